/**
 * Rules for audio tracks attached to a packaged video (dubs) and for the catalog's list of a
 * title's spoken languages. Pure.
 */

const AUDIO_EXTENSIONS = new Set(['aac', 'm4a', 'mp4', 'mka', 'mkv', 'mov', 'wav', 'flac', 'mp3', 'ogg', 'opus', 'ac3', 'eac3', 'ec3', 'webm', 'aiff', 'aif', 'caf', 'mxf']);

/** A cheap first gate before any bytes are kept; the probe is the real check of what the bytes are. */
export function looksLikeAudio(filename: string, mimetype: string): boolean {
  const ext = filename.includes('.') ? (filename.split('.').pop()?.toLowerCase() ?? '') : '';
  return mimetype.startsWith('audio/') || mimetype.startsWith('video/') || AUDIO_EXTENSIONS.has(ext);
}

/**
 * A dub must run as long as its picture. Containers round and encoders pad a little, so the gap
 * allowed is 2 s or 2% of the video, whichever is more; beyond that it is the wrong file or a
 * different cut. Returns the reason, or undefined when it fits.
 */
export function dubDurationProblem(dubSec: number, videoSec: number): string | undefined {
  const allowed = Math.max(2, videoSec * 0.02);
  if (Math.abs(dubSec - videoSec) <= allowed) return undefined;
  return `the audio is ${dubSec.toFixed(1)} s long but the video is ${videoSec.toFixed(1)} s; they may differ by at most ${allowed.toFixed(1)} s`;
}

/** Where a dub's segments and playlists live, relative to the video's manifests. */
export const dubDir = (language: string): string => `dubs/${language}`;

/**
 * The catalog's spoken languages (ISO 639-1) after adding these tracks' BCP 47 tags: their
 * two-letter primary subtags ('pt-BR' counts as 'pt'; 'und' and three-letter-only languages
 * cannot be listed). Undefined when nothing is new.
 */
export function catalogAudioLanguages(existing: readonly string[], tags: readonly string[]): string[] | undefined {
  const added = tags.map((t) => t.split('-')[0]!.toLowerCase()).filter((l) => /^[a-z]{2}$/.test(l) && !existing.includes(l));
  return added.length === 0 ? undefined : [...existing, ...new Set(added)];
}

/** The dub's own MPD, kept in its folder so any later job can list the dub again (dubManifests.ts). */
export const DUB_MPD = 'dub.mpd';

/** A dub's Representation id in the video's MPD: unique per language and layout. */
export const dubRepresentationId = (language: string, channels: number): string => `dub-${language}-${channels}ch`;

export interface DubListing {
  language: string;
  dir: string;
  channels: number;
  /** Its output index in the dub's own package: its Representation id there and its media_<n>.m3u8. */
  output: number;
}

/** The manifest entries a video's file list calls for: each dub's outputs, numbered within its folder as packaged. */
export function dubListings(audio: readonly { language: string; channels: number; dubDir?: string }[]): DubListing[] {
  const seen = new Map<string, number>();
  return audio.flatMap((a) => {
    if (!a.dubDir) return [];
    const output = seen.get(a.dubDir) ?? 0;
    seen.set(a.dubDir, output + 1);
    return [{ language: a.language, dir: a.dubDir, channels: a.channels, output }];
  });
}
