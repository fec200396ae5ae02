const PALETTE = ['#e50914', '#2a9d8f', '#e9c46a', '#f4a261', '#457b9d', '#9b5de5', '#00bbf9', '#43aa8b'];
export const AVATAR_COUNT = PALETTE.length;

/** A simple face on a coloured square: avatars need no stored files. */
export function avatarSvg(index: number): string {
  const color = PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="8" fill="${color}"/><circle cx="33" cy="40" r="7" fill="#fff"/><circle cx="67" cy="40" r="7" fill="#fff"/><path d="M28 64 Q50 84 72 64" stroke="#fff" stroke-width="7" fill="none" stroke-linecap="round"/></svg>`;
}
