/**
 * Audio entries of the packaged manifests, as text edits of the dash muxer's regular output.
 * Pure: the packager's HLS master gets each audio rendition's language and channels, and an
 * audio track added later (a dub) gets its own AdaptationSet in the MPD and its EXT-X-MEDIA in the
 * HLS master.
 */
import type { AudioOutput } from './audioArgs.ts';

const hlsAttr = (s: string): string => s.replace(/["\r\n,]/g, '');
const xmlAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The NAME a player shows for an audio rendition: its language and layout (unique within the group). */
export const audioRenditionName = (language: string, channels: number): string => `${language} ${channels === 6 ? '5.1' : channels === 2 ? 'stereo' : `${channels}ch`}`;

/** One EXT-X-MEDIA audio rendition line. */
export function hlsAudioMedia(r: { group: string; language: string; channels: number; isDefault: boolean; uri: string }): string {
  const language = r.language === 'und' ? '' : `LANGUAGE="${hlsAttr(r.language)}",`;
  return `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${hlsAttr(r.group)}",NAME="${hlsAttr(audioRenditionName(r.language, r.channels))}",${language}CHANNELS="${r.channels}",DEFAULT=${r.isDefault ? 'YES' : 'NO'},AUTOSELECT=YES,URI="${hlsAttr(r.uri)}"`;
}

/**
 * Rewrites the dash muxer's audio EXT-X-MEDIA lines (NAME="audio_<n>", no LANGUAGE) to name each
 * rendition's language and channel count. Renditions are matched by their playlist, media_<n>.m3u8,
 * where n is AudioOutput.outputIndex; lines for other streams are left as they are.
 */
export function labelHlsAudio(master: string, outputs: readonly AudioOutput[]): string {
  const byIndex = new Map(outputs.map((o) => [o.outputIndex, o]));
  return master
    .split('\n')
    .map((line) => {
      if (!line.startsWith('#EXT-X-MEDIA:') || !/TYPE=AUDIO/.test(line)) return line;
      const uri = /URI="media_(\d+)\.m3u8"/.exec(line);
      const output = uri ? byIndex.get(Number(uri[1])) : undefined;
      if (!output) return line;
      const group = /GROUP-ID="([^"]*)"/.exec(line)?.[1] ?? 'audio';
      return hlsAudioMedia({ group, language: output.language, channels: output.channels, isDefault: /DEFAULT=YES/.test(line), uri: `media_${output.outputIndex}.m3u8` });
    })
    .join('\n');
}

/** Audio languages an MPD lists (its audio AdaptationSets' lang), in order, without repeats. */
export function mpdAudioLanguages(mpd: string): string[] {
  const langs: string[] = [];
  for (const m of mpd.matchAll(/<AdaptationSet\b([^>]*)>/g)) {
    const attrs = m[1] ?? '';
    if (!/contentType="audio"/.test(attrs) && !/mimeType="audio\//.test(attrs)) continue;
    const lang = /\slang="([^"]*)"/.exec(attrs)?.[1];
    if (lang && !langs.includes(lang)) langs.push(lang);
  }
  return langs;
}

/** The segment length of a packaged MPD (its first SegmentTemplate), in seconds. */
export function mpdSegmentSec(mpd: string): number | undefined {
  const tpl = /<SegmentTemplate\b([^>]*)>/.exec(mpd)?.[1] ?? '';
  const timescale = Number(/\stimescale="(\d+)"/.exec(` ${tpl}`)?.[1] ?? 1);
  const duration = Number(/\sduration="(\d+)"/.exec(` ${tpl}`)?.[1]);
  return duration > 0 && timescale > 0 ? duration / timescale : undefined;
}

export interface DubPlacement {
  /** BCP 47 tag. */
  language: string;
  /** Folder of the dub's files, relative to the manifests (e.g. `dubs/fr`). */
  dir: string;
  /** The Representation's id in the dub's own MPD. */
  from: string;
  /** Its id in the video's MPD (unique there). */
  id: string;
}

/**
 * Adds a dub's audio AdaptationSet to the title's MPD: the dub was packaged on its own (its own
 * MPD, `dubMpd`); its Representation `from` is copied with the id `id`, its SegmentTemplate paths
 * moved into `dir` (with its old id written out, since `$RepresentationID$` now expands to the new
 * one). The new set gets the next free AdaptationSet id. Already there (a retried job): unchanged.
 */
export function mpdWithDub(mpd: string, dubMpd: string, dub: DubPlacement): string {
  if (mpd.includes(`<Representation id="${xmlAttr(dub.id)}"`)) return mpd;
  const rep = [...dubMpd.matchAll(/<Representation\b([^>]*)>([\s\S]*?)<\/Representation>/g)].find((m) => / id="([^"]*)"/.exec(m[1]!)?.[1] === dub.from);
  if (!rep) throw new Error(`the dub MPD has no Representation ${dub.from}`);
  if (!mpd.includes('</Period>')) throw new Error('the MPD has no Period');
  const ids = [...mpd.matchAll(/<AdaptationSet\b[^>]*\sid="(\d+)"/g)].map((m) => Number(m[1]));
  const setId = ids.length ? Math.max(...ids) + 1 : 0;
  const inDir = (template: string) => `${dub.dir}/${template.replaceAll('$RepresentationID$', dub.from)}`;
  const attrs = rep[1]!.replace(/\sid="[^"]*"/, ` id="${xmlAttr(dub.id)}"`);
  const body = rep[2]!.replace(/(\s(?:initialization|media)=")([^"]*)"/g, (_m, name: string, value: string) => `${name}${xmlAttr(inDir(value))}"`);
  const set =
    `\t\t<AdaptationSet id="${setId}" contentType="audio" segmentAlignment="true" bitstreamSwitching="true" lang="${xmlAttr(dub.language)}">\n` +
    `\t\t\t<Representation${attrs}>${body.replace(/\n\t*/g, '\n\t\t\t\t').replace(/\n\t*$/, '\n\t\t\t')}</Representation>\n` +
    `\t\t</AdaptationSet>\n`;
  // After the Period's last AdaptationSet: one Period is all the dash muxer writes for on-demand.
  return mpd.replace(/([ \t]*)<\/Period>/, (_m, indent: string) => `${set}${indent}</Period>`);
}

/**
 * Adds a dub's EXT-X-MEDIA to the HLS master: into the audio group the variants already use, or a
 * new group (then every variant is pointed at it and its CODECS gains the audio codec). Already
 * there (a retried job): unchanged.
 */
export function hlsMasterWithDub(master: string, dub: { language: string; channels: number; uri: string; codec: string }): string {
  if (master.includes(`URI="${hlsAttr(dub.uri)}"`)) return master;
  const lines = master.split('\n');
  const existing = /GROUP-ID="([^"]*)"/.exec(lines.find((l) => l.startsWith('#EXT-X-MEDIA:') && /TYPE=AUDIO/.test(l)) ?? '')?.[1];
  const group = existing ?? 'audio';
  const media = hlsAudioMedia({ group, language: dub.language, channels: dub.channels, isDefault: existing === undefined, uri: dub.uri });
  const out = lines.map((line) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:') || /AUDIO="/.test(line)) return line;
    const withCodec = line.replace(/CODECS="([^"]*)"/, (_m, codecs: string) => `CODECS="${codecs.split(',').includes(dub.codec) ? codecs : `${codecs},${dub.codec}`}"`);
    return `${withCodec.trimEnd()},AUDIO="${group}"`;
  });
  // After the last audio rendition, else before the first variant.
  const isAudio = out.map((l) => l.startsWith('#EXT-X-MEDIA:') && /TYPE=AUDIO/.test(l));
  const lastAudio = isAudio.lastIndexOf(true);
  const at = lastAudio >= 0 ? lastAudio + 1 : out.findIndex((l) => l.startsWith('#EXT-X-STREAM-INF:') || l.startsWith('#EXT-X-MEDIA:'));
  if (at < 0) throw new Error('the HLS master has no variant streams');
  out.splice(at, 0, media);
  return out.join('\n');
}
