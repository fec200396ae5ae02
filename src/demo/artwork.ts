import { createHash } from 'node:crypto';

const escapeXml = (s: string): string => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** Two colours and a motif derived from the title's name, so each poster is distinct and stable. */
function palette(name: string): { a: string; b: string; angle: number; motif: number } {
  const h = createHash('sha1').update(name).digest();
  const hue = (h[0]! * 360) / 256;
  return { a: `hsl(${hue.toFixed(0)},65%,45%)`, b: `hsl(${((hue + 40 + h[1]! / 4) % 360).toFixed(0)},70%,15%)`, angle: h[2]! % 360, motif: h[3]! % 3 };
}

function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && (last + ' ' + word).length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

function motif(kind: number, w: number, h: number): string {
  if (kind === 0) return `<circle cx="${w * 0.7}" cy="${h * 0.3}" r="${w * 0.35}" fill="#fff" fill-opacity="0.12"/><circle cx="${w * 0.25}" cy="${h * 0.55}" r="${w * 0.2}" fill="#fff" fill-opacity="0.08"/>`;
  if (kind === 1) return Array.from({ length: 6 }, (_, i) => `<rect x="${-w * 0.2 + i * w * 0.25}" y="0" width="${w * 0.08}" height="${h}" fill="#fff" fill-opacity="0.07" transform="rotate(20 ${w / 2} ${h / 2})"/>`).join('');
  return `<polygon points="0,${h * 0.75} ${w * 0.35},${h * 0.4} ${w * 0.6},${h * 0.62} ${w},${h * 0.3} ${w},${h} 0,${h}" fill="#000" fill-opacity="0.25"/>`;
}

export function posterSvg(name: string, genre: string, year: number | undefined): string {
  const p = palette(name);
  const lines = wrap(name.toUpperCase(), 12);
  const text = lines.map((l, i) => `<text x="200" y="${390 + i * 48 - (lines.length - 1) * 24}" font-size="42" font-weight="700" text-anchor="middle" fill="#fff" font-family="Helvetica, Arial, sans-serif" letter-spacing="2">${escapeXml(l)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="600" viewBox="0 0 400 600"><defs><linearGradient id="g" gradientTransform="rotate(${p.angle} .5 .5)"><stop offset="0" stop-color="${p.a}"/><stop offset="1" stop-color="${p.b}"/></linearGradient></defs><rect width="400" height="600" fill="url(#g)"/>${motif(p.motif, 400, 600)}${text}<text x="200" y="560" font-size="18" text-anchor="middle" fill="#fff" fill-opacity="0.8" font-family="Helvetica, Arial, sans-serif">${escapeXml(genre.toUpperCase())}${year ? ` · ${year}` : ''}</text><text x="24" y="44" font-size="22" font-weight="800" fill="#e50914" font-family="Helvetica, Arial, sans-serif">M</text></svg>`;
}

export function backdropSvg(name: string): string {
  const p = palette(name);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720" viewBox="0 0 1280 720"><defs><linearGradient id="g" gradientTransform="rotate(${p.angle} .5 .5)"><stop offset="0" stop-color="${p.a}"/><stop offset="1" stop-color="${p.b}"/></linearGradient></defs><rect width="1280" height="720" fill="url(#g)"/>${motif(p.motif, 1280, 720)}<text x="64" y="620" font-size="72" font-weight="700" fill="#fff" font-family="Helvetica, Arial, sans-serif">${escapeXml(name)}</text></svg>`;
}
