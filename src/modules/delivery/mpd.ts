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
