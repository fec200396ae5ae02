/**
 * The ffmpeg command that encodes a whole ladder, as plain data. Pure: tested without ffmpeg.
 *
 * One invocation decodes the source once and `split`s it into one scaler + x264 encoder per
 * rung, so an upload is decoded once however many renditions it gets. All rungs see the same
 * frames and the same keyframe rules, so their keyframes (and therefore segment boundaries)
 * line up, which is what lets a player switch rungs at any segment.
 */
import { join } from 'node:path';
import { audioArgs, type LoudnessMeasurement, type SourceAudioTrack } from './audioArgs.ts';
import type { Rung } from './ladder.ts';

/** x264 speed/quality presets, fastest first. */
export type X264Preset = 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium' | 'slow' | 'slower' | 'veryslow';

/** Names the dash muxer is told to write (its defaults, spelled out so they cannot drift). */
export const DASH_MANIFEST = 'manifest.mpd';
/** Written by the dash muxer next to the MPD when `-hls_playlist 1` is on; media playlists are media_<n>.m3u8. */
export const HLS_MASTER = 'master.m3u8';
export const INIT_SEGMENT_TEMPLATE = 'init-stream$RepresentationID$.$ext$';
export const MEDIA_SEGMENT_TEMPLATE = 'chunk-stream$RepresentationID$-$Number%05d$.$ext$';

/** Every audio rendition is AAC-LC (stereo, and 5.1 for surround sources: see audioArgs.ts); RFC 6381 codec string. */
export { AAC_LC as AUDIO_CODEC, STEREO_KBPS as AUDIO_KBPS, AUDIO_SAMPLE_RATE } from './audioArgs.ts';

export interface LadderArgsInput {
  input: string;
  /** Directory that receives the MPD, HLS playlists and segments; it must already exist. */
  outDir: string;
  rungs: readonly Rung[];
  /** Probed duration; the caller hands the same value to runFfmpeg for progress. */
  durationSec: number;
  /** Probed frame rate; sets the GOP length in frames. */
  fps: number;
  /** The source's audio tracks (MediaInfo.audioStreams); each becomes its own adaptation sets. Empty: no audio. */
  audioTracks: readonly SourceAudioTrack[];
  /** The two-pass loudness measurements (audioArgs.ts); absent: one-pass loudnorm. */
  loudness?: readonly LoudnessMeasurement[];
  segmentSec?: number;
  preset?: X264Preset;
  /** Quality target of the capped-CRF encode (lower is better and bigger); 23 is x264's default. */
  crf?: number;
  /** Absolute stream index of the video to encode (MediaInfo.videoStreamIndex); default the first video stream. */
  videoStreamIndex?: number;
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
 * libvpx VP9 in realtime mode at cpu-used 6. On the two 1080p clips it needed about a third
 * fewer bits than x264 veryfast at equal VMAF, in about x264's encode time; "good" at cpu-used 4
 * saved more (40-50%) but took 4-5x as long, which no two-core machine can do in real time for a
 * full ladder; cpu-used 5 saved another ~10% for ~1.3x the time (docs/benchmarks.md, "Encode
 * speed"). On small, detailed pictures (360p Mandelbrot) cpu-used 8 saved nothing.
 */
const VP9_SPEED: ReadonlyArray<readonly [string, string]> = [['-deadline', 'realtime'], ['-cpu-used', '6'], ['-row-mt', '1']];

/**
 * One adaptation set per codec, so a player keeps to renditions its device decodes and switches
 * only within one codec (the audio sets follow, from audioArgs). Stream indices are output order:
 * rung i is stream i.
 */
export function adaptationSets(rungs: readonly Rung[]): string[] {
  const byCodec = new Map<string, number[]>();
  rungs.forEach((r, i) => byCodec.set(r.codec ?? 'h264', [...(byCodec.get(r.codec ?? 'h264') ?? []), i]));
  const video = byCodec.size === 1 ? ['streams=v'] : [...byCodec.values()].map((ids) => `streams=${ids.join(',')}`);
  return video.map((streams, id) => `id=${id},${streams}`);
}

export function ladderArgs(opts: LadderArgsInput): string[] {
  const { input, outDir, rungs, durationSec, fps, segmentSec = 4, preset = 'veryfast', crf = 23 } = opts;
  if (rungs.length === 0) throw new RangeError('a ladder needs at least one rung');
  if (!(durationSec > 0)) throw new RangeError(`durationSec must be positive, got ${durationSec}`);
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  if (!(segmentSec > 0)) throw new RangeError(`segmentSec must be positive, got ${segmentSec}`);
  if (!(crf >= 0 && crf <= 51)) throw new RangeError(`crf must be within 0..51, got ${crf}`);

  const videoIn = opts.videoStreamIndex === undefined ? '0:v:0' : `0:${opts.videoStreamIndex}`;
  const fpsOut = outputFps(fps, opts.maxFps);
  const reduceRate = fpsOut < fps ? `fps=${Number(fpsOut.toFixed(6))},` : '';

  const branches = rungs.map((_, i) => `[s${i}]`).join('');
  const scalers = rungs.map((r, i) => `[s${i}]${rungScaler(r)}[v${i}]`);
  const videoSets = adaptationSets(rungs);
  const audio = audioArgs({ tracks: opts.audioTracks, inputIndex: 0, firstOutputIndex: rungs.length, firstAdaptationSetId: videoSets.length, ...(opts.loudness ? { measurements: opts.loudness } : {}) });
  const filter = [`[${videoIn}]${reduceRate}split=${rungs.length}${branches}`, ...scalers, ...(audio.filterGraph ? [audio.filterGraph] : [])].join(';');

  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning', '-i', input, '-filter_complex', filter];
  rungs.forEach((_, i) => args.push('-map', `[v${i}]`));
  args.push(...audio.mapArgs);
  // Titles, chapters and encoder tags from the upload are not ours to publish.
  args.push('-map_metadata', '-1', '-map_chapters', '-1');

  args.push('-pix_fmt', 'yuv420p');
  if (opts.threadsPerRung !== undefined) args.push('-threads:v', String(opts.threadsPerRung));
  rungs.forEach((r, i) => args.push(...rungEncoderArgs(r, i, preset, crf)));
  args.push(...keyframeArgs(segmentSec, fpsOut));

  args.push(...audio.codecArgs);

  args.push(...dashMuxerArgs(segmentSec, [...videoSets, ...audio.adaptationSets]), '-progress', 'pipe:1', '-nostats', join(outDir, DASH_MANIFEST));
  return args;
}

/**
 * Scale to even sizes (4:2:0 needs them) and square pixels; format converts 10-bit, 4:2:2/4:4:4
 * or RGB sources to the 8-bit 4:2:0 every browser's H.264 decoder takes.
 */
export function rungScaler(r: Rung): string {
  return `scale=${r.width}:${r.height},setsar=1,format=yuv420p`;
}

/**
 * The encoder options of one rung, for output stream `stream`.
 * Capped CRF: each encoder aims at constant quality (-crf) under a cap. x264 holds the cap with
 * its VBV (-maxrate/-bufsize); libvpx reads -b:v with -crf as "constrained quality". For x264,
 * -b:v does not steer the encode; ffmpeg still records it as the stream's bitrate, which is what
 * the dash muxer writes as @bandwidth and HLS BANDWIDTH. Options go per output stream: options of
 * one encoder must not reach the other.
 */
export function rungEncoderArgs(r: Rung, stream: number, preset: X264Preset, crf: number): string[] {
  const rungCrf = String(r.crf ?? crf);
  const s = `:v:${stream}`;
  if ((r.codec ?? 'h264') === 'vp9') {
    return [`-c${s}`, 'libvpx-vp9', ...VP9_SPEED.flatMap(([k, v]) => [`${k}${s}`, v]), `-crf${s}`, rungCrf, `-b${s}`, `${r.videoKbps}k`, `-bufsize${s}`, `${r.bufsizeKbps}k`];
  }
  return [`-c${s}`, 'libx264', `-preset${s}`, preset, `-crf${s}`, rungCrf, `-profile${s}`, 'high', `-b${s}`, `${r.videoKbps}k`, `-maxrate${s}`, `${r.maxrateKbps}k`, `-bufsize${s}`, `${r.bufsizeKbps}k`];
}

/**
 * Fixed GOP, no scene-cut keyframes, and a forced keyframe at every segment boundary: every
 * segment starts with a keyframe at the same instant in every rung (and in every chunk of a
 * chunked encode, whose chunks start on segment boundaries).
 */
export function keyframeArgs(segmentSec: number, fpsOut: number): string[] {
  // Rounded up: x264 then never places its own keyframe before the forced one at the segment
  // boundary (e.g. 24.1 fps: 97 frames, not 96).
  const gop = String(Math.ceil(segmentSec * fpsOut - 1e-6));
  return ['-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-force_key_frames', `expr:gte(t,n_forced*${segmentSec})`];
}

/** The dash muxer writing CMAF segments, the MPD and HLS playlists (output options; the MPD path follows). */
export function dashMuxerArgs(segmentSec: number, adaptationSets: readonly string[]): string[] {
  return [
    '-f', 'dash',
    '-seg_duration', String(segmentSec),
    '-use_template', '1',
    '-use_timeline', '0',
    '-init_seg_name', INIT_SEGMENT_TEMPLATE,
    '-media_seg_name', MEDIA_SEGMENT_TEMPLATE,
    // Without this, older ffmpeg puts VP9 in WebM; CMAF keeps one segment format for DASH and HLS.
    '-dash_segment_type', 'mp4',
    '-hls_playlist', '1',
    '-adaptation_sets', adaptationSets.join(' '),
  ];
}
