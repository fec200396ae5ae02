/**
 * Chunked encoding through the job queue: each chunk of a ladder encode is a job of its own that
 * any worker on any machine can take. Its input is the source object, its output goes to the
 * object store under the encode's work prefix, where the encode that queued it collects it.
 *
 * The encode job does not just wait: it claims and runs chunk jobs itself until all of its own
 * are done, so a single worker with concurrency 1 still finishes (no deadlock), and every extra
 * worker shares the chunks. A failed chunk goes back to the queue with backoff and is retried
 * alone; the finished chunks are not redone.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { type JobHandler, type JobQueue, type JobRecord, LeaseLostError, PermanentJobError, runClaimedJob } from '../../../platform/jobs/index.ts';
import type { ObjectStore, SourceCache, SourceLease } from '../../../platform/objects/index.ts';
import { chunkRungFile } from '../media/chunkArgs.ts';
import { encodeChunk, type ChunkResult, type ChunkRunner, type ChunkTools } from '../media/encodeChunks.ts';
import type { ChunkTask } from '../media/chunkTasks.ts';
import { isMediaRejectedCode, isMediaRejectedError, MediaRejectedError } from '../media/mediaRejectedError.ts';

export const ENCODE_CHUNK_JOB = 'encode_video_chunk';

export interface EncodeChunkPayload {
  videoId: string;
  sourceKey: string;
  /** Object key prefix the chunk's rung files are written under. */
  outputPrefix: string;
  task: ChunkTask;
}

export interface ChunkJobDeps extends ChunkTools {
  objects: ObjectStore;
  /** Every chunk job of an encode reads the same source: one download per worker process. */
  sources: SourceCache;
}

/** The chunk job: encode one chunk from the source object, upload its rung files. */
export function encodeChunkJob(d: ChunkJobDeps): JobHandler {
  return async (raw, ctx): Promise<ChunkResult> => {
    const p = raw as EncodeChunkPayload;
    const scratch = await mkdtemp(join(tmpdir(), 'marquee-chunk-'));
    let lastReport = 0;
    // A cancelled chunk (its encode stopped) loses its lease: stop encoding it.
    const lost = new AbortController();
    const signal = AbortSignal.any([ctx.signal, lost.signal]);
    let source: SourceLease | undefined;
    try {
      source = await d.sources.acquire(p.sourceKey);
      const outDir = join(scratch, 'out');
      await mkdir(outDir);
      const result = await encodeChunk(d, source.path, p.task, outDir, {
        signal,
        onProgress: (f) => {
          // The lease needs a write every few seconds, not one per ffmpeg progress line.
          const now = Date.now();
          if (now - lastReport < 1000) return;
          lastReport = now;
          ctx.reportProgress('encode', f).catch((err: unknown) => {
            if (err instanceof LeaseLostError) lost.abort(err);
          });
        },
      });
      signal.throwIfAborted();
      // Cancelled meanwhile: this throws (lease lost) rather than store files nobody will collect.
      await ctx.reportProgress('upload', 1);
      await d.objects.putDirectory(p.outputPrefix, outDir);
      return result;
    } catch (err) {
      if (isMediaRejectedError(err)) throw new PermanentJobError(err.code, err.message);
      throw err;
    } finally {
      await source?.release();
      await rm(scratch, { recursive: true, force: true });
    }
  };
}

export interface QueuedChunksDeps {
  queue: JobQueue;
  objects: ObjectStore;
  /** The chunk job handler, to run chunks this encode claims itself. */
  runChunk: JobHandler;
  leaseSec: number;
  log: Logger;
  /** How often to look at the queue when there is no chunk to take (default 500 ms). */
  pollMs?: number;
  /**
   * How many queued chunks this encode runs itself at once while it waits (default 1). Chunk
   * encoders are single-threaded for byte-identical output, so one worker uses its cores only
   * by running several chunks side by side.
   */
  chunkHelpers?: number;
  /** Attempts per chunk (default 3). */
  chunkAttempts?: number;
}

export interface ChunkParent {
  /** The encode job, and which attempt at it this is: chunk job ids and outputs are per attempt. */
  job: JobRecord;
  videoId: string;
  sourceKey: string;
}

/** Work prefix of one attempt at one encode: its chunk outputs, removed when it ends. */
export const chunkWorkPrefix = (videoId: string, jobId: string, attempt: number): string => `work/chunks/${videoId}/${jobId}-${attempt}`;

/** A ChunkRunner that queues the chunks as jobs, helps run them, and collects their files. */
export function queuedChunkRunner(d: QueuedChunksDeps, parent: ChunkParent): ChunkRunner {
  const pollMs = d.pollMs ?? 500;
  const helpers = Math.max(1, d.chunkHelpers ?? 1);
  return async ({ tasks, dirOf, signal, onProgress }) => {
    const prefix = chunkWorkPrefix(parent.videoId, parent.job.id, parent.job.attempts);
    const helperId = `chunk-helper:${parent.job.id}:${parent.job.attempts}`;
    const helperSignal = signal ?? new AbortController().signal;
    const outputOf = (i: number) => `${prefix}/chunk-${String(i).padStart(5, '0')}`;
    try {
      const ids: string[] = [];
      const queuedAt = Date.now();
      try {
        for (const [i, task] of tasks.entries()) {
          const payload: EncodeChunkPayload = { videoId: parent.videoId, sourceKey: parent.sourceKey, outputPrefix: outputOf(i), task };
          // A millisecond apart: queues take the oldest first, so the costliest units start first on any engine.
          const job = await d.queue.enqueue(ENCODE_CHUNK_JOB, payload, { id: `${parent.job.id}-${parent.job.attempts}-chunk-${i}`, maxAttempts: d.chunkAttempts ?? 3, runAt: new Date(queuedAt + i) });
          ids.push(job.id);
        }
      } catch (err) {
        await d.queue.cancel(ids, `encode ${parent.job.id} (attempt ${parent.job.attempts}) could not queue all its chunks`).catch(() => undefined);
        throw err;
      }
      const total = tasks.reduce((sum, t) => sum + t.expectedSec, 0);
      let fraction = 0;
      // Keeps the encode job's lease alive while this worker is busy running a chunk itself.
      const keepAlive = setInterval(() => onProgress(fraction), Math.max(1000, (d.leaseSec * 1000) / 4));
      let jobs: JobRecord[];
      let finished = false;
      const helping = new Set<Promise<void>>();
      try {
        for (;;) {
          signal?.throwIfAborted();
          jobs = await Promise.all(ids.map(async (id) => (await d.queue.get(id))!));
          const failed = jobs.find((j) => j.status === 'failed');
          if (failed) throw chunkFailure(failed);
          if (jobs.every((j) => j.status === 'succeeded')) {
            finished = true;
            break;
          }
          fraction = total > 0 ? jobs.reduce((sum, j, i) => sum + (j.status === 'succeeded' ? 1 : j.status === 'running' ? j.progress : 0) * tasks[i]!.expectedSec, 0) / total : 0;
          onProgress(fraction);
          // Any queued chunk, ours or another encode's: the oldest first, as every worker takes them.
          while (helping.size < helpers) {
            const claimed = await d.queue.claim(helperId, [ENCODE_CHUNK_JOB], d.leaseSec);
            if (!claimed) break;
            const run: Promise<void> = runClaimedJob({ queue: d.queue, workerId: helperId, leaseSec: d.leaseSec, log: d.log, signal: helperSignal }, d.runChunk, claimed).finally(() => helping.delete(run));
            helping.add(run);
          }
          await Promise.race([sleep(pollMs, signal), ...helping]);
        }
      } finally {
        clearInterval(keepAlive);
        // Stopped early (a chunk failed for good, or the encode was aborted): nobody wants the
        // rest, and the ones running here stop at their next progress report.
        if (!finished) await d.queue.cancel(ids, `encode ${parent.job.id} (attempt ${parent.job.attempts}) stopped`).catch((err: unknown) => d.log.warn({ err }, 'could not cancel chunk jobs'));
        await Promise.allSettled(helping);
      }
      onProgress(1);
      for (const [i, task] of tasks.entries()) {
        for (const r of task.rungIndices) await download(d.objects, `${outputOf(i)}/${chunkRungFile(r)}`, join(dirOf(task.chunk.index), chunkRungFile(r)));
      }
      return jobs.map((j) => j.result as ChunkResult);
    } finally {
      await d.objects.deletePrefix(prefix).catch((err: unknown) => d.log.warn({ err, prefix }, 'could not remove chunk outputs'));
    }
  };
}

/** A chunk that failed for good fails the encode: as bad media when the chunk said so. */
function chunkFailure(job: JobRecord): Error {
  const { code, message } = job.error ?? { code: 'job_error', message: 'unknown error' };
  if (isMediaRejectedCode(code)) return new MediaRejectedError(code, message);
  return new Error(`chunk job ${job.id} failed after ${job.attempts} attempts: ${code}: ${message}`);
}

async function download(objects: ObjectStore, key: string, path: string): Promise<void> {
  await pipeline(await objects.read(key), createWriteStream(path));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(t);
      reject(signal!.reason as Error);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

