/**
 * The ffmpeg command that encodes one chunk of the source to some of the video rungs (one
 * codec's: chunkTasks.ts), as plain data. Pure: tested without ffmpeg.
 *
 * One decode of the chunk is split into one scaler + encoder per rung, each written to its own
 * MP4 (video only: audio is encoded once, whole, when the chunks are packaged). Everything that
 * shapes the bitstream is fixed here (encoder settings, thread counts, keyframe rules), so a
 * chunk comes out byte-for-byte the same whichever worker encodes it and however many run at once.
 */
import { join } from 'node:path';
import type { ChunkSpan } from './chunkPlan.ts';
import { keyframeArgs, outputFps, rungEncoderArgs, rungScaler, type X264Preset } from './encodeArgs.ts';
import type { Rung } from './ladder.ts';

/** What every chunk of one encode shares; travels in chunk job payloads, so plain JSON. */
export interface ChunkEncodeSettings {
  rungs: Rung[];
  /** Probed frame rate of the source. */
  fps: number;
  segmentSec: number;
  preset: X264Preset;
  crf: number;
  /** Absolute stream index of the video (MediaInfo.videoStreamIndex). */
  videoStreamIndex?: number;
}

export interface ChunkArgsInput {
  input: string;
  chunk: ChunkSpan;
  settings: ChunkEncodeSettings;
  /** The rungs (indices into settings.rungs) to encode. */
  rungIndices: readonly number[];
  /** Receives chunkRungFile(i) for each of those rungs; it must already exist. */
  outDir: string;
}

/**
 * Encoder threads are fixed at one, never "auto" (which follows the machine's core count). Even
 * a fixed 2 is not enough: x264's frame threads with a VBV cap gave a different frame size in one
 * of three identical runs of the same chunk. Single-threaded encoders are deterministic; the
 * parallelism comes from running chunks side by side instead.
 */
export const CHUNK_ENCODER_THREADS = { h264: 1, vp9: 1 } as const;

/** The file rung `rungIndex` of a chunk is written to, inside the chunk's directory. */
export function chunkRungFile(rungIndex: number): string {
  return `rung-${rungIndex}.mp4`;
}

export function chunkArgs({ input, chunk, settings, rungIndices, outDir }: ChunkArgsInput): string[] {
  const { fps, segmentSec, preset, crf } = settings;
  if (rungIndices.length === 0) throw new RangeError('a chunk needs at least one rung to encode');
  const rungs = rungIndices.map((i) => {
    const rung = settings.rungs[i];
    if (!rung) throw new RangeError(`rung ${i} is not in the ladder (${settings.rungs.length} rungs)`);
    return rung;
  });
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  if (!(segmentSec > 0)) throw new RangeError(`segmentSec must be positive, got ${segmentSec}`);
  if (!(crf >= 0 && crf <= 51)) throw new RangeError(`crf must be within 0..51, got ${crf}`);
  if (!(chunk.startSec >= 0)) throw new RangeError(`a chunk cannot start before the source, got ${chunk.startSec}`);
  if (chunk.durationSec !== null && !(chunk.durationSec > 0)) throw new RangeError(`chunk duration must be positive, got ${chunk.durationSec}`);

  const videoIn = settings.videoStreamIndex === undefined ? '0:v:0' : `0:${settings.videoStreamIndex}`;
  const fpsOut = outputFps(fps);
  const reduceRate = fpsOut < fps ? `fps=${Number(fpsOut.toFixed(6))},` : '';
  const branches = rungs.map((_, i) => `[s${i}]`).join('');
  const filter = [`[${videoIn}]${reduceRate}split=${rungs.length}${branches}`, ...rungs.map((r, i) => `[s${i}]${rungScaler(r)}[v${i}]`)].join(';');

  // -ss before -i is an accurate seek: ffmpeg decodes from the keyframe before the start and
  // drops every frame before it, so the chunk's first frame is the first at or after startSec,
  // the same frame a whole-file encode forces its keyframe on. -t (also an input option) stops
  // before the first frame of the next chunk. Timestamps start again at 0 in every chunk; joining
  // the chunks (concat demuxer) lays them end to end by their durations.
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning', '-progress', 'pipe:1', '-nostats'];
  args.push('-ss', String(chunk.startSec));
  if (chunk.durationSec !== null) args.push('-t', String(chunk.durationSec));
  args.push('-i', input, '-filter_complex', filter);
  rungs.forEach((r, i) => {
    const threads = (r.codec ?? 'h264') === 'vp9' ? CHUNK_ENCODER_THREADS.vp9 : CHUNK_ENCODER_THREADS.h264;
    args.push('-map', `[v${i}]`, '-map_metadata', '-1', '-map_chapters', '-1', '-pix_fmt', 'yuv420p');
    args.push(...rungEncoderArgs(r, 0, preset, crf), '-threads:v:0', String(threads));
    args.push(...keyframeArgs(segmentSec, fpsOut));
    args.push('-fflags', '+bitexact', '-f', 'mp4', join(outDir, chunkRungFile(rungIndices[i]!)));
  });
  return args;
}
