/**
 * What one playback session's manifests may list, and the text edits that make them say so.
 * The packaged MPD and HLS master list the whole ladder; each session gets them filtered to the
 * renditions its plan and device allow, and (for protected titles) with the ContentProtection
 * a player needs to ask for a licence. Pure text edits of ffmpeg's regular output.
 */

/** A session's view of the ladder: the tallest picture and the video codec families it may receive. */
export interface RenditionLimits {
  maxHeight: number;
  /** Video codec families (h264, hevc, vp9, av1) allowed; absent: any. */
  videoCodecs?: string[];
}

export interface Protection {
  /** 16-byte key id as 32 hex digits. */
  kid: string;
  /** Base64 of the W3C common pssh box naming the key id. */
  pssh: string;
}

export const CLEARKEY_SYSTEM_ID = 'e2719d58-a985-b3c9-781a-b030af78d30e';
export const COMMON_SYSTEM_ID = '1077efec-c0b2-4d02-ace3-3c1e52e2fb4b';

/** The codec family of an RFC 6381 codec string: avc1.64001f -> h264. Unknown: the prefix itself. */
export function codecFamily(codec: string): string {
  const prefix = codec.trim().split('.')[0]!.toLowerCase();
  const families: Record<string, string> = { avc1: 'h264', avc3: 'h264', hvc1: 'hevc', hev1: 'hevc', vp09: 'vp9', vp9: 'vp9', av01: 'av1', mp4a: 'aac', opus: 'opus', 'ac-3': 'ac3', 'ec-3': 'ec3' };
  return families[prefix] ?? prefix;
}

const VIDEO_FAMILIES = new Set(['h264', 'hevc', 'vp9', 'av1']);

/**
 * The renditions a session gets: at most the plan's height and the device's, in codecs the device
 * declared it decodes. Never empty while the ladder is not: with nothing fitting, the smallest
 * rung (H.264 when there is one) is still sent.
 */
export function sessionLimits(ladder: { height: number; codec: string }[], planMaxHeight: number, device: { maxHeight?: number; codecs?: string[] } = {}): RenditionLimits & { heights: number[] } {
  const declared = new Set((device.codecs ?? []).map((c) => (VIDEO_FAMILIES.has(c.toLowerCase()) ? c.toLowerCase() : codecFamily(c))));
  const declaredVideo = [...declared].filter((f) => VIDEO_FAMILIES.has(f));
  const decodable = declaredVideo.length > 0 ? ladder.filter((r) => declared.has(codecFamily(r.codec))) : ladder;
  const pool = decodable.length > 0 ? decodable : ladder.filter((r) => codecFamily(r.codec) === 'h264');
  const usable = pool.length > 0 ? pool : ladder;
  const cap = Math.min(planMaxHeight, device.maxHeight ?? Infinity);
  const sorted = [...usable].sort((a, b) => a.height - b.height);
  const fits = sorted.filter((r) => r.height <= cap);
  const chosen = fits.length > 0 ? fits : sorted.slice(0, 1);
  const heights = [...new Set(chosen.map((r) => r.height))];
  const families = [...new Set(chosen.map((r) => codecFamily(r.codec)))];
  return { maxHeight: heights.length ? Math.max(...heights) : cap, heights, ...(declaredVideo.length > 0 || decodable.length === 0 ? { videoCodecs: families } : {}) };
}

const allowed = (limits: RenditionLimits, height: number | undefined, codecs: string | undefined): boolean => {
  if (height === undefined) return true;
  if (height > limits.maxHeight) return false;
  if (!limits.videoCodecs || !codecs) return true;
  const video = codecs.split(',').map(codecFamily).find((f) => VIDEO_FAMILIES.has(f));
  return video === undefined || limits.videoCodecs.includes(video);
};

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** Every Representation of a packaged MPD: its id (which names its files) and what the filters look at. */
export function mpdRepresentations(mpd: string): { id: string; height: number | undefined; codecs: string | undefined }[] {
  return [...mpd.matchAll(/<Representation\b([^>]*?)\/?>/g)].flatMap((m) => {
    const attrs = ` ${m[1]!}`;
    const id = attr(attrs, 'id');
    const height = attr(attrs, 'height');
    return id === undefined ? [] : [{ id, height: height === undefined ? undefined : Number(height), codecs: attr(attrs, 'codecs') }];
  });
}

/**
 * The Representation ids a session may fetch, by the same rule as filterMpd, for its signed media
 * token; undefined when it may fetch them all (the token then names none).
 */
export function allowedRepresentations(mpd: string, limits: RenditionLimits): string[] | undefined {
  const all = mpdRepresentations(mpd);
  const kept = all.filter((r) => allowed(limits, r.height, r.codecs)).map((r) => r.id);
  return kept.length === all.length ? undefined : kept;
}

/** Drops the video Representations (and then-empty AdaptationSets) a session may not receive. */
export function filterMpd(mpd: string, limits: RenditionLimits): string {
  const repRe = /[ \t]*<Representation\b([^>]*?)(\/>|>[\s\S]*?<\/Representation>)[ \t]*\r?\n?/g;
  const kept = mpd.replace(repRe, (whole, attrs: string) => {
    const height = attr(` ${attrs}`, 'height');
    return allowed(limits, height === undefined ? undefined : Number(height), attr(` ${attrs}`, 'codecs')) ? whole : '';
  });
  return kept.replace(/[ \t]*<AdaptationSet\b[^>]*>(?:(?!<Representation\b)[\s\S])*?<\/AdaptationSet>[ \t]*\r?\n?/g, '');
}

/** Drops the variant streams (and I-frame streams) a session may not receive from an HLS master playlist. */
export function filterHlsMaster(m3u8: string, limits: RenditionLimits): string {
  const lines = m3u8.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const variant = line.startsWith('#EXT-X-STREAM-INF:');
    if (variant || line.startsWith('#EXT-X-I-FRAME-STREAM-INF:')) {
      const resolution = /RESOLUTION=(\d+)x(\d+)/.exec(line);
      const codecs = /CODECS="([^"]*)"/.exec(line)?.[1];
      if (!allowed(limits, resolution ? Number(resolution[2]) : undefined, codecs)) {
        // A variant's URI is the next line that is not a tag or blank.
        if (variant) while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || lines[i + 1]!.startsWith('#'))) i++;
        if (variant) i++;
        continue;
      }
    }
    out.push(line);
  }
  return out.join('\n');
}

const uuidKid = (hex: string): string => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toLowerCase();

/**
 * Declares CENC protection in every AdaptationSet: the mp4protection scheme with the default
 * KID, ClearKey, and the W3C common system with its pssh (what a ClearKey CDM builds its licence
 * request from).
 */
export function withContentProtection(mpd: string, p: Protection): string {
  if (!/^[0-9a-f]{32}$/i.test(p.kid)) throw new RangeError('a key id is 32 hex digits');
  const kid = uuidKid(p.kid);
  const withNs = /xmlns:cenc=/.test(mpd) ? mpd : mpd.replace(/<MPD\b/, '<MPD xmlns:cenc="urn:mpeg:cenc:2013"');
  const pssh = `<cenc:pssh>${p.pssh}</cenc:pssh>`;
  const elements = (indent: string) =>
    [
      `<ContentProtection schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc" cenc:default_KID="${kid}"/>`,
      `<ContentProtection schemeIdUri="urn:uuid:${CLEARKEY_SYSTEM_ID}" value="ClearKey1.0" cenc:default_KID="${kid}">${pssh}</ContentProtection>`,
      `<ContentProtection schemeIdUri="urn:uuid:${COMMON_SYSTEM_ID}" cenc:default_KID="${kid}">${pssh}</ContentProtection>`,
    ]
      .map((e) => `\n${indent}${e}`)
      .join('');
  return withNs.replace(/([ \t]*)(<AdaptationSet\b[^>]*>)/g, (_m, indent: string, open: string) => `${indent}${open}${elements(`${indent}\t`)}`);
}

/** A subtitle track of the session's video; paths relative to the manifests' folder. */
export interface SubtitleTrack {
  language: string;
  label: string;
  /** The WebVTT file. */
  vtt: string;
  /** HLS media playlist of that file. */
  playlist: string;
}

const xmlAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const hlsAttr = (s: string): string => s.replace(/["\r\n]/g, '');

/** Adds one text AdaptationSet per subtitle track to every Period of an MPD. */
export function withMpdSubtitles(mpd: string, tracks: SubtitleTrack[]): string {
  if (tracks.length === 0) return mpd;
  return mpd.replace(/([ \t]*)<\/Period>/g, (_m, indent: string) => {
    const sets = tracks.map(
      (t) =>
        `${indent}\t<AdaptationSet contentType="text" mimeType="text/vtt" lang="${xmlAttr(t.language)}">\n` +
        `${indent}\t\t<Role schemeIdUri="urn:mpeg:dash:role:2011" value="subtitle"/>\n` +
        `${indent}\t\t<Label>${xmlAttr(t.label)}</Label>\n` +
        `${indent}\t\t<Representation id="subtitles-${xmlAttr(t.language)}" bandwidth="256">\n` +
        `${indent}\t\t\t<BaseURL>${xmlAttr(t.vtt)}</BaseURL>\n` +
        `${indent}\t\t</Representation>\n` +
        `${indent}\t</AdaptationSet>\n`,
    );
    return `${sets.join('')}${indent}</Period>`;
  });
}

/** Adds the subtitle renditions (group "subs") to an HLS master playlist and points every variant at them. */
export function withHlsSubtitles(m3u8: string, tracks: SubtitleTrack[]): string {
  if (tracks.length === 0 || !m3u8.includes('#EXT-X-STREAM-INF')) return m3u8;
  const media = tracks.map((t) => `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="${hlsAttr(t.label)}",LANGUAGE="${hlsAttr(t.language)}",DEFAULT=NO,AUTOSELECT=YES,URI="${hlsAttr(t.playlist)}"`);
  const lines = m3u8.split('\n').map((line) => (line.startsWith('#EXT-X-STREAM-INF:') && !/SUBTITLES=/.test(line) ? `${line.trimEnd()},SUBTITLES="subs"` : line));
  // Renditions go before the first variant, after the playlist-wide tags.
  const first = lines.findIndex((l) => l.startsWith('#EXT-X-STREAM-INF:') || l.startsWith('#EXT-X-MEDIA:'));
  lines.splice(first, 0, ...media);
  return lines.join('\n');
}
