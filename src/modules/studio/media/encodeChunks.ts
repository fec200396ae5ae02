/**
 * Encoding a ladder in chunks: plan the chunks, have them encoded (here, `concurrency` at a time,
 * or by job workers anywhere through a ChunkRunner the caller supplies), then package them with
 * the audio into CMAF DASH + HLS.
 *
 * Why chunks: a chunk is the unit of parallel work (N workers, N machines) and of retry (a failed
 * chunk is encoded again alone). Because every chunk's bytes depend only on the source and the
 * chunk's settings, the package is byte-identical however the chunks were spread out.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LoudnessMeasurement, SourceAudioTrack } from './audioArgs.ts';
import { chunkArgs, chunkRungFile, type ChunkEncodeSettings } from './chunkArgs.ts';
import { planChunkTasks, type ChunkTask } from './chunkTasks.ts';
import { asMediaRejection, MediaRejectedError, minimumDecodedSec } from './mediaRejectedError.ts';
import { concatList, packageArgs } from './packageArgs.ts';
import type { MediaInfo } from './probe.ts';
import { runFfmpeg } from './runFfmpeg.ts';

export interface ChunkResult {
  /** Seconds of video the chunk's encode actually produced, as ffmpeg reported them (for the decode check). */
  outTimeSec: number;
  /**
   * The chunk's duration as its container states it (frames times frame duration, e.g. 4.004004 s
   * for 120 frames at 29.97 fps), 0 when it holds no frames. The packager is told it: left to work
   * it out, the concat demuxer under ffmpeg's stream copy placed a third chunk 1 ms late.
   */
  durationSec: number;
}

export interface EncodeChunkOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface ChunkTools {
  ffmpegPath: string;
  ffprobePath: string;
}

/** Encodes one unit of `sourcePath` into `outDir` (which must exist): chunkRungFile(i) per rung of the unit. */
export async function encodeChunk({ ffmpegPath, ffprobePath }: ChunkTools, sourcePath: string, task: ChunkTask, outDir: string, opts: EncodeChunkOptions = {}): Promise<ChunkResult> {
  const result = await runFfmpeg(ffmpegPath, chunkArgs({ input: sourcePath, chunk: task.chunk, settings: task.settings, rungIndices: task.rungIndices, outDir }), {
    durationSec: task.expectedSec,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  }).catch((e: unknown) => {
    throw asMediaRejection(e, 'the video could not be decoded');
  });
  // Every rung holds the same frames: the first rung's duration is the chunk's.
  return { outTimeSec: result.outTimeSec, durationSec: await containerDuration(ffprobePath, join(outDir, chunkRungFile(task.rungIndices[0]!))) };
}

const execFileAsync = promisify(execFile);

/** 0 for a file with no frames (or none at all: a chunk past the end of a truncated source), which the decode check then rejects. */
async function containerDuration(ffprobePath: string, file: string): Promise<number> {
  const args = ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', file];
  const stdout = await execFileAsync(ffprobePath, args, { timeout: 60_000 }).then(
    (r) => r.stdout,
    () => '',
  );
  const sec = Number(stdout.trim());
  return Number.isFinite(sec) && sec > 0 ? sec : 0;
}

export interface ChunkRunRequest {
  tasks: ChunkTask[];
  /** The source as a local file (for runners that encode on this machine). */
  sourcePath: string;
  /** Where the rung files of chunk `index` (ChunkSpan.index) must be when the runner resolves; the directory exists. */
  dirOf: (index: number) => string;
  signal: AbortSignal | undefined;
  /** Fraction 0..1 of all chunks' seconds encoded. */
  onProgress: (fraction: number) => void;
}

/** Gets every task encoded and its files into `dirOf(index)`; results in task order. */
export type ChunkRunner = (request: ChunkRunRequest) => Promise<ChunkResult[]>;

/** Encodes the chunks in this process, `concurrency` ffmpeg processes at a time. */
export function localChunkRunner(tools: ChunkTools, concurrency: number): ChunkRunner {
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`concurrency must be a whole number >= 1, got ${concurrency}`);
  return async ({ tasks, sourcePath, dirOf, signal, onProgress }) => {
    // One failed chunk stops the others: the whole encode has failed.
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = tasks.map(() => 0);
    const total = tasks.reduce((sum, t) => sum + t.expectedSec, 0);
    const report = () => onProgress(total > 0 ? done.reduce((sum, f, i) => sum + f * tasks[i]!.expectedSec, 0) / total : 0);
    const results: ChunkResult[] = [];
    let next = 0;
    const lane = async () => {
      while (next < tasks.length && !stop.signal.aborted) {
        const i = next++;
        results[i] = await encodeChunk(tools, sourcePath, tasks[i]!, dirOf(tasks[i]!.chunk.index), {
          signal: stop.signal,
          onProgress: (f) => {
            done[i] = f;
            report();
          },
        });
      }
    };
    try {
      const lanes = Array.from({ length: Math.min(concurrency, tasks.length) }, () =>
        lane().catch((e: unknown) => {
          stop.abort(e);
          throw e;
        }),
      );
      const settled = await Promise.allSettled(lanes);
      // The first failure, not the aborts it caused in the other lanes.
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw stop.signal.reason ?? failed.reason;
      signal?.throwIfAborted();
      return results;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };
}

export interface LadderInChunksInput {
  ffmpegPath: string;
  sourcePath: string;
  info: MediaInfo;
  settings: ChunkEncodeSettings;
  audioTracks: readonly SourceAudioTrack[];
  loudness?: readonly LoudnessMeasurement[];
  /** Receives the package; chunk files go to a hidden folder inside it, removed afterwards. */
  staging: string;
  runChunks: ChunkRunner;
  signal: AbortSignal | undefined;
  /** 0..1: chunks take the first 90%, packaging the rest. */
  onProgress: (fraction: number) => void;
  /** Aimed-at chunk length (chunkPlan.ts default 30 s). */
  targetChunkSec?: number;
}

const CHUNK_SHARE = 0.9;

export async function encodeLadderInChunks(input: LadderInChunksInput): Promise<void> {
  const { ffmpegPath, sourcePath, info, settings, staging, signal } = input;
  const tasks = planChunkTasks(info.durationSec, settings, input.targetChunkSec);
  const chunks = [...new Map(tasks.map((t) => [t.chunk.index, t.chunk])).values()].sort((a, b) => a.index - b.index);
  const chunksDir = join(staging, '.chunks');
  const dirOf = (index: number) => join(chunksDir, `chunk-${String(index).padStart(5, '0')}`);
  try {
    await Promise.all(chunks.map((c) => mkdir(dirOf(c.index), { recursive: true })));
    input.onProgress(0);
    const results = await input.runChunks({ tasks, sourcePath, dirOf, signal, onProgress: (f) => input.onProgress(CHUNK_SHARE * f) });
    // A chunk counts as decoded as far as the shortest of its units got.
    const resultsOf = (index: number) => tasks.flatMap((t, i) => (t.chunk.index === index ? [{ task: t, result: results[i]! }] : []));
    const decoded = chunks.reduce((sum, c) => sum + Math.min(...resultsOf(c.index).map((x) => x.result.outTimeSec)), 0);
    if (decoded < minimumDecodedSec(info.durationSec)) {
      throw new MediaRejectedError('media_corrupt', `only ${decoded.toFixed(1)} s of the video's ${info.durationSec.toFixed(1)} s could be decoded`);
    }
    // Rung 0 (H.264) gives every chunk's duration, for every codec: the units decoded the same frames.
    const durationOf = (index: number) => resultsOf(index).find((x) => x.task.rungIndices.includes(0))!.result.durationSec;

    const rungLists = settings.rungs.map((_, r) => join(chunksDir, `rung-${r}.ffconcat`));
    // Every chunk but the last with its duration, so the next one starts exactly where it ends.
    const entries = (r: number) => chunks.map((c, i) => ({ path: join(dirOf(c.index), chunkRungFile(r)), ...(i < chunks.length - 1 && durationOf(c.index) > 0 ? { durationSec: durationOf(c.index) } : {}) }));
    for (const [r, list] of rungLists.entries()) await writeFile(list, concatList(entries(r)));
    const args = packageArgs({ rungLists, rungs: settings.rungs, source: sourcePath, audioTracks: input.audioTracks, ...(input.loudness ? { loudness: input.loudness } : {}), segmentSec: settings.segmentSec, outDir: staging });
    await runFfmpeg(ffmpegPath, args, {
      durationSec: info.durationSec,
      onProgress: (f) => input.onProgress(CHUNK_SHARE + (1 - CHUNK_SHARE) * f),
      ...(signal ? { signal } : {}),
    }).catch((e: unknown) => {
      throw asMediaRejection(e, 'the video could not be decoded');
    });
  } finally {
    await rm(chunksDir, { recursive: true, force: true });
  }
}
