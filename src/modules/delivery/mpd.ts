/**
 * Gives a DASH MPD one `<BaseURL>` per delivery alternative, in order of preference. The packaged
 * MPD uses relative segment URLs, so each BaseURL re-roots every segment on another host and the
 * player retries a failed segment on the next one by itself.
 */
export function withBaseUrls(mpd: string, baseUrls: readonly string[]): string {
  if (baseUrls.length === 0) return mpd;
  const withoutOld = mpd.replace(/[ \t]*<BaseURL\b[^>]*>[^<]*<\/BaseURL>\r?\n?/g, '');
  const open = /<MPD\b[^>]*>/.exec(withoutOld);
  if (!open) return mpd;
  const at = open.index + open[0].length;
  const lines = baseUrls.map((u, i) => `\n\t<BaseURL serviceLocation="${xmlEscape(`cdn${i}`)}">${xmlEscape(u)}</BaseURL>`).join('');
  return withoutOld.slice(0, at) + lines + withoutOld.slice(at);
}

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The files a player needs to start every representation of a packaged MPD: each init segment and
 * the first `count` media segments (SegmentTemplate with $RepresentationID$, $Number$ or
 * $Number%0Nd$, and $ext$, which is mp4 for our CMAF output).
 */
export function openingSegments(mpd: string, count: number): string[] {
  const files: string[] = [];
  for (const set of mpd.match(/<AdaptationSet\b[\s\S]*?<\/AdaptationSet>/g) ?? []) {
    const shared = /<SegmentTemplate\b[^>]*>/.exec(set)?.[0];
    for (const rep of set.matchAll(/<Representation\b[^>]*\bid="([^"]+)"[^>]*?(?:\/>|>([\s\S]*?)<\/Representation>)/g)) {
      const template = /<SegmentTemplate\b[^>]*>/.exec(rep[2] ?? '')?.[0] ?? shared;
      if (!template) continue;
      const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(template)?.[1];
      const expand = (t: string, n: number) =>
        t
          .replaceAll('$RepresentationID$', rep[1]!)
          .replace(/\$Number(?:%0(\d+)d)?\$/g, (_, w: string | undefined) => String(n).padStart(Number(w ?? 0), '0'))
          .replaceAll('$ext$', 'mp4');
      const init = attr('initialization');
      const media = attr('media');
      const start = Number(attr('startNumber') ?? 1);
      if (init) files.push(expand(init, 0));
      if (media) for (let n = start; n < start + count; n++) files.push(expand(media, n));
    }
  }
  return [...new Set(files)];
}
