/**
 * The ffmpeg command that packages a chunk-encoded ladder, as plain data. Pure: tested without ffmpeg.
 *
 * Each rung's chunks are joined by the concat demuxer and stream-copied (no re-encode); the
 * audio is encoded here, once, from the whole source (audioArgs.ts). The dash muxer then writes
 * the same CMAF segments, MPD and HLS playlists, under the same names, as a single-invocation
 * encode (ladderArgs): segments are cut at the keyframes the chunks forced on every segment
 * boundary, so they stay aligned across rungs.
 */
import { join } from 'node:path';
import { audioArgs, type LoudnessMeasurement, type SourceAudioTrack } from './audioArgs.ts';
import { adaptationSets, DASH_MANIFEST, dashMuxerArgs } from './encodeArgs.ts';
import type { Rung } from './ladder.ts';

export interface PackageArgsInput {
  /** One ffconcat list (concatList) per rung, in rung order: rung i becomes output stream i. */
  rungLists: readonly string[];
  rungs: readonly Rung[];
  /** The source file, read for its audio only. */
  source: string;
  /** Source audio tracks (MediaInfo.audioStreams); empty: no audio. */
  audioTracks: readonly SourceAudioTrack[];
  /** From the loudness measuring pass (audioArgs.ts); absent: one-pass loudnorm. */
  loudness?: readonly LoudnessMeasurement[];
  segmentSec: number;
  /** Receives the MPD, playlists and segments; must exist. */
  outDir: string;
}

export interface ConcatEntry {
  /** Absolute path. */
  path: string;
  /** Where the next file starts, relative to this one's start; absent: the demuxer works it out. */
  durationSec?: number;
}

/** An ffconcat list of `files`, played one after the other. */
export function concatList(files: readonly ConcatEntry[]): string {
  if (files.length === 0) throw new RangeError('nothing to concatenate');
  for (const f of files) {
    if (f.durationSec !== undefined && !(f.durationSec > 0)) throw new RangeError(`${f.path}: duration must be positive, got ${f.durationSec}`);
  }
  // ffconcat quoting: inside single quotes nothing is special, so a quote is closed, escaped, reopened.
  const lines = files.flatMap((f) => [`file '${f.path.replaceAll("'", "'\\''")}'`, ...(f.durationSec !== undefined ? [`duration ${f.durationSec}`] : [])]);
  return ['ffconcat version 1.0', ...lines].join('\n') + '\n';
}

export function packageArgs(opts: PackageArgsInput): string[] {
  const { rungLists, rungs, source, audioTracks, segmentSec, outDir } = opts;
  if (rungs.length === 0) throw new RangeError('a ladder needs at least one rung');
  if (rungLists.length !== rungs.length) throw new RangeError(`${rungLists.length} chunk lists for ${rungs.length} rungs`);
  if (!(segmentSec > 0)) throw new RangeError(`segmentSec must be positive, got ${segmentSec}`);

  const videoSets = adaptationSets(rungs);
  const audio = audioArgs({ tracks: audioTracks, inputIndex: rungs.length, firstOutputIndex: rungs.length, firstAdaptationSetId: videoSets.length, ...(opts.loudness ? { measurements: opts.loudness } : {}) });
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning'];
  // -safe 0: the lists name absolute paths in our own staging directory.
  for (const list of rungLists) args.push('-f', 'concat', '-safe', '0', '-i', list);
  if (audio.outputs.length > 0) args.push('-i', source);
  if (audio.filterGraph) args.push('-filter_complex', audio.filterGraph);
  rungs.forEach((_, i) => args.push('-map', `${i}:v:0`));
  args.push(...audio.mapArgs, '-map_metadata', '-1', '-map_chapters', '-1');
  // Copied streams keep no encoder settings, so -b:v here is only what the dash muxer writes as
  // @bandwidth and HLS BANDWIDTH: the rung's advertised rate, as a single-invocation encode has it.
  args.push('-c:v', 'copy');
  rungs.forEach((r, i) => args.push(`-b:v:${i}`, `${r.videoKbps}k`));
  args.push(...audio.codecArgs);
  args.push(...dashMuxerArgs(segmentSec, [...videoSets, ...audio.adaptationSets]), '-progress', 'pipe:1', '-nostats', join(outDir, DASH_MANIFEST));
  return args;
}
