/**
 * Reading back what the dash muxer wrote. Pure text parsing of ffmpeg's own, regular output
 * (not general-purpose MPD/HLS parsers): enough to learn the codec strings x264 chose and to
 * check that every referenced file exists before anything is published.
 */

export interface MpdRepresentation {
  id: string;
  mimeType: string;
  /** RFC 6381 codec string, e.g. avc1.64001f or mp4a.40.2. */
  codecs: string;
  bandwidth: number;
  width?: number;
  height?: number;
  initialization?: string;
  media?: string;
}

export function readRepresentations(mpd: string): MpdRepresentation[] {
  const reps: MpdRepresentation[] = [];
  const repRe = /<Representation\b([^>]*)>([\s\S]*?)<\/Representation>/g;
  for (const m of mpd.matchAll(repRe)) {
    const attrs = attributes(m[1] ?? '');
    const template = /<SegmentTemplate\b([^>]*)>/.exec(m[2] ?? '');
    const tpl = template ? attributes(template[1] ?? '') : {};
    const rep: MpdRepresentation = {
      id: attrs.id ?? '',
      mimeType: attrs.mimeType ?? '',
      codecs: attrs.codecs ?? '',
      bandwidth: Number(attrs.bandwidth ?? 0),
    };
    if (attrs.width) rep.width = Number(attrs.width);
    if (attrs.height) rep.height = Number(attrs.height);
    if (tpl.initialization) rep.initialization = tpl.initialization;
    if (tpl.media) rep.media = tpl.media;
    reps.push(rep);
  }
  return reps;
}

/**
 * Expands a SegmentTemplate name as the dash muxer writes them:
 * `$RepresentationID$`, `$Number$` / `$Number%05d$`, and `$ext$` (always mp4 for our CMAF output).
 */
export function segmentName(template: string, representationId: string, number = 0): string {
  return template
    .replaceAll('$RepresentationID$', representationId)
    .replace(/\$Number(?:%0(\d+)d)?\$/g, (_, width: string | undefined) => String(number).padStart(Number(width ?? 0), '0'))
    .replaceAll('$ext$', 'mp4');
}

/** Every URI an HLS playlist points at: variant/media playlists, EXT-X-MAP init segments, media segments. */
export function playlistUris(m3u8: string): string[] {
  const uris: string[] = [];
  for (const raw of m3u8.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const uri = /URI="([^"]+)"/.exec(line);
      if (uri?.[1]) uris.push(uri[1]);
    } else {
      uris.push(line);
    }
  }
  return uris;
}

/** True for a URI a player would resolve against the playlist's own location. */
export function isRelativeUri(uri: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('/') && !uri.startsWith('\\');
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}
