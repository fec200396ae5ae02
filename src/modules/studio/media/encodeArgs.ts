/**
 * The ffmpeg command that encodes a whole ladder, as plain data. Pure: tested without ffmpeg.
 *
 * One invocation decodes the source once and `split`s it into one scaler + x264 encoder per
 * rung, so an upload is decoded once however many renditions it gets. All rungs see the same
 * frames and the same keyframe rules, so their keyframes (and therefore segment boundaries)
 * line up, which is what lets a player switch rungs at any segment.
 */
import { join } from 'node:path';
import type { Rung } from './ladder.ts';

/** x264 speed/quality presets, fastest first. */
export type X264Preset = 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium' | 'slow' | 'slower' | 'veryslow';

/** Names the dash muxer is told to write (its defaults, spelled out so they cannot drift). */
export const DASH_MANIFEST = 'manifest.mpd';
/** Written by the dash muxer next to the MPD when `-hls_playlist 1` is on; media playlists are media_<n>.m3u8. */
export const HLS_MASTER = 'master.m3u8';
export const INIT_SEGMENT_TEMPLATE = 'init-stream$RepresentationID$.$ext$';
export const MEDIA_SEGMENT_TEMPLATE = 'chunk-stream$RepresentationID$-$Number%05d$.$ext$';

/** Shared audio rendition: AAC-LC stereo. Every browser decodes it and every source downmixes to it. */
export const AUDIO_KBPS = 128;
export const AUDIO_SAMPLE_RATE = 48_000;
/** RFC 6381 codec string of that audio rendition. */
export const AUDIO_CODEC = 'mp4a.40.2';

export interface LadderArgsInput {
  input: string;
  /** Directory that receives the MPD, HLS playlists and segments; it must already exist. */
  outDir: string;
  rungs: readonly Rung[];
  /** Probed duration; the caller hands the same value to runFfmpeg for progress. */
  durationSec: number;
  /** Probed frame rate; sets the GOP length in frames. */
  fps: number;
  hasAudio: boolean;
  segmentSec?: number;
  preset?: X264Preset;
  /** Quality target of the capped-CRF encode (lower is better and bigger); 23 is x264's default. */
  crf?: number;
  /** Absolute stream index of the video to encode (MediaInfo.videoStreamIndex); default the first video stream. */
  videoStreamIndex?: number;
  /** Absolute stream index of the audio to encode (MediaInfo.audioStreams[i].index); default the first audio stream. */
  audioStreamIndex?: number;
  /** x264 threads per rung; default lets x264 choose. */
  threadsPerRung?: number;
  /**
   * Sources above this frame rate (phone slow-motion at 120/240 fps) are reduced by a whole
   * divisor to at most this: streaming them at full rate costs 2-4x the encode and the bits
   * for motion no screen shows. Default 60.
   */
  maxFps?: number;
}

/** Frame rate actually encoded for a source at `fps`: divided by the smallest whole number that brings it to `maxFps` or below. */
export function outputFps(fps: number, maxFps = 60): number {
  return fps / Math.max(1, Math.ceil(fps / maxFps - 1e-9));
}

/**
 * libvpx VP9 in "good" mode at cpu-used 4: about 20% fewer bits than x264 veryfast at equal
 * VMAF for roughly twice its encode time. The realtime mode was as fast as x264 but saved no
 * bits at all, so it would not be worth a second set of renditions (docs/benchmarks.md,
 * "Second codec").
 */
const VP9_SPEED: ReadonlyArray<readonly [string, string]> = [['-deadline', 'good'], ['-cpu-used', '4'], ['-row-mt', '1']];

/**
 * One adaptation set per codec, so a player keeps to renditions its device decodes and switches
 * only within one codec; then the audio. Stream indices are output order: rung i is stream i.
 */
export function adaptationSets(rungs: readonly Rung[], hasAudio: boolean): string {
  const byCodec = new Map<string, number[]>();
  rungs.forEach((r, i) => byCodec.set(r.codec ?? 'h264', [...(byCodec.get(r.codec ?? 'h264') ?? []), i]));
  const video = byCodec.size === 1 ? ['streams=v'] : [...byCodec.values()].map((ids) => `streams=${ids.join(',')}`);
  const sets = [...video, ...(hasAudio ? ['streams=a'] : [])];
  return sets.map((streams, id) => `id=${id},${streams}`).join(' ');
}

export function ladderArgs(opts: LadderArgsInput): string[] {
  const { input, outDir, rungs, durationSec, fps, hasAudio, segmentSec = 4, preset = 'veryfast', crf = 23 } = opts;
  if (rungs.length === 0) throw new RangeError('a ladder needs at least one rung');
  if (!(durationSec > 0)) throw new RangeError(`durationSec must be positive, got ${durationSec}`);
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  if (!(segmentSec > 0)) throw new RangeError(`segmentSec must be positive, got ${segmentSec}`);
  if (!(crf >= 0 && crf <= 51)) throw new RangeError(`crf must be within 0..51, got ${crf}`);

  const videoIn = opts.videoStreamIndex === undefined ? '0:v:0' : `0:${opts.videoStreamIndex}`;
  const audioIn = opts.audioStreamIndex === undefined ? '0:a:0' : `0:${opts.audioStreamIndex}`;
  const fpsOut = outputFps(fps, opts.maxFps);
  // Rounded up: x264 then never places its own keyframe before the forced one at the segment
  // boundary (e.g. 24.1 fps: 97 frames, not 96).
  const gop = Math.ceil(segmentSec * fpsOut - 1e-6);
  const reduceRate = fpsOut < fps ? `fps=${Number(fpsOut.toFixed(6))},` : '';

  // scale to even sizes (4:2:0 needs them) and square pixels; format converts 10-bit,
  // 4:2:2/4:4:4 or RGB sources to the 8-bit 4:2:0 every browser's H.264 decoder takes.
  const branches = rungs.map((_, i) => `[s${i}]`).join('');
  const scalers = rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height},setsar=1,format=yuv420p[v${i}]`);
  const filter = [`[${videoIn}]${reduceRate}split=${rungs.length}${branches}`, ...scalers].join(';');

  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning', '-i', input, '-filter_complex', filter];
  rungs.forEach((_, i) => args.push('-map', `[v${i}]`));
  if (hasAudio) args.push('-map', audioIn);
  // Titles, chapters and encoder tags from the upload are not ours to publish.
  args.push('-map_metadata', '-1', '-map_chapters', '-1');

  // Capped CRF: each encoder aims at constant quality (-crf) under a cap. x264 holds the cap
  // with its VBV (-maxrate/-bufsize); libvpx reads -b:v with -crf as "constrained quality".
  // For x264, -b:v does not steer the encode; ffmpeg still records it as the stream's bitrate,
  // which is what the dash muxer writes as @bandwidth and HLS BANDWIDTH.
  // Codec options go per output stream: options of one encoder must not reach the other.
  args.push('-pix_fmt', 'yuv420p');
  if (opts.threadsPerRung !== undefined) args.push('-threads:v', String(opts.threadsPerRung));
  rungs.forEach((r, i) => {
    const rungCrf = String(r.crf ?? crf);
    if ((r.codec ?? 'h264') === 'vp9') {
      args.push(`-c:v:${i}`, 'libvpx-vp9', ...VP9_SPEED.flatMap(([k, v]) => [`${k}:v:${i}`, v]), `-crf:v:${i}`, rungCrf);
      args.push(`-b:v:${i}`, `${r.videoKbps}k`, `-bufsize:v:${i}`, `${r.bufsizeKbps}k`);
    } else {
      args.push(`-c:v:${i}`, 'libx264', `-preset:v:${i}`, preset, `-crf:v:${i}`, rungCrf, `-profile:v:${i}`, 'high');
      args.push(`-b:v:${i}`, `${r.videoKbps}k`, `-maxrate:v:${i}`, `${r.maxrateKbps}k`, `-bufsize:v:${i}`, `${r.bufsizeKbps}k`);
    }
  });
  // Fixed GOP, no scene-cut keyframes, and a forced keyframe at every segment boundary: every
  // segment starts with a keyframe at the same instant in every rung.
  args.push('-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0');
  args.push('-force_key_frames', `expr:gte(t,n_forced*${segmentSec})`);

  if (hasAudio) {
    args.push('-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-ac', '2', '-ar', String(AUDIO_SAMPLE_RATE));
  }

  args.push(
    '-f', 'dash',
    '-seg_duration', String(segmentSec),
    '-use_template', '1',
    '-use_timeline', '0',
    '-init_seg_name', INIT_SEGMENT_TEMPLATE,
    '-media_seg_name', MEDIA_SEGMENT_TEMPLATE,
    // Without this, older ffmpeg puts VP9 in WebM; CMAF keeps one segment format for DASH and HLS.
    '-dash_segment_type', 'mp4',
    '-hls_playlist', '1',
    '-adaptation_sets', adaptationSets(rungs, hasAudio),
    '-progress', 'pipe:1',
    '-nostats',
    join(outDir, DASH_MANIFEST),
  );
  return args;
}
