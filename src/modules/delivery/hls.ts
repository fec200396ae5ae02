/**
 * Gives an HLS master playlist redundant variants: every variant (and every alternative rendition
 * it refers to) once per delivery alternative, primary first. A player that cannot load a variant
 * from one host moves to the same variant on the next. Backups get their own rendition GROUP-IDs
 * so their audio fails over with them, as the HLS authoring guidelines ask.
 */
export function withRedundantVariants(master: string, baseUrls: readonly string[]): string {
  if (baseUrls.length === 0 || !master.includes('#EXT-X-STREAM-INF')) return master;
  const lines = master.split(/\r?\n/);
  const head: string[] = [];
  const renditions: string[] = [];
  const variants: [tag: string, uri: string][] = [];
  const tail: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('#EXT-X-MEDIA:')) renditions.push(line);
    else if (line.startsWith('#EXT-X-STREAM-INF:')) {
      let j = i + 1;
      while (j < lines.length && (lines[j]!.trim() === '' || lines[j]!.trim().startsWith('#'))) j++;
      if (j < lines.length) variants.push([line, lines[j]!.trim()]);
      i = j;
    } else if (line === '') continue;
    else if (renditions.length === 0 && variants.length === 0) head.push(line);
    else tail.push(line);
  }
  const out = [...head];
  baseUrls.forEach((base, n) => {
    const group = (id: string) => (n === 0 ? id : `${id}-cdn${n}`);
    const regroup = (tag: string) => tag.replace(/\b(GROUP-ID|AUDIO|VIDEO|SUBTITLES)="([^"]*)"/g, (_, attr: string, id: string) => `${attr}="${group(id)}"`);
    for (const r of renditions) out.push(regroup(r).replace(/\bURI="([^"]*)"/, (_, uri: string) => `URI="${resolve(base, uri)}"`));
    for (const [tag, uri] of variants) out.push(regroup(tag), resolve(base, uri));
  });
  return `${[...out, ...tail].join('\n')}\n`;
}

const resolve = (base: string, uri: string): string => (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/') ? uri : base + uri);
