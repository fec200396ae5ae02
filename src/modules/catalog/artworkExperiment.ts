import type { Artwork } from './types.ts';

/** The experiment that decides which image a title card shows (config `{ "artwork": "poster" | "backdrop" }`). */
export const TITLE_ARTWORK_EXPERIMENT = 'title_artwork';

/** Titles as one arm of the artwork experiment shows them: the backdrop arm puts the backdrop on the card. */
export function withArtworkArm<T extends { artwork: Artwork }>(titles: readonly T[], config: Record<string, unknown> | undefined): T[] {
  if (config?.artwork !== 'backdrop') return [...titles];
  return titles.map((t) => (t.artwork.backdrop ? { ...t, artwork: { ...t.artwork, poster: t.artwork.backdrop } } : t));
}

export const sameArtwork = (a: readonly { artwork: Artwork }[], b: readonly { artwork: Artwork }[]): boolean => a.every((t, i) => t.artwork.poster === b[i]!.artwork.poster);
