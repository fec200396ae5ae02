import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { migrateToLatest, openDatabase, type Database } from '../../../platform/db/index.ts';
import { jobMigrations, JobQueue, PermanentJobError, startWorker, type JobHandler, type JobRecord, type RunningWorker } from '../../../platform/jobs/index.ts';
import { createLogger } from '../../../platform/logger.ts';
import { localObjectStore, sourceCache, type ObjectStore } from '../../../platform/objects/index.ts';
import { encodeVideo } from '../media/encodeTitle.ts';
import { ffmpegPath, ffprobePath, makeClip, tempDir } from '../media/testSupport.ts';
import { chunkWorkPrefix, ENCODE_CHUNK_JOB, encodeChunkJob, queuedChunkRunner } from './encodeChunkJob.ts';

const log = createLogger('silent');
const SOURCE_KEY = 'sources/v1.mp4';
const PARENT_JOB = 'test_encode';

/** sha256 of every file in `outDir`, by name. */
async function digests(outDir: string): Promise<Record<string, string>> {
  const files = (await readdir(outDir)).sort();
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, createHash('sha256').update(await readFile(join(outDir, f))).digest('hex')] as const)));
}

describe('chunked encoding through the job queue', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let database: Database;
  let queue: JobQueue;
  let objects: ObjectStore;
  let source: string;
  let reference: Record<string, string>;
  let workers: RunningWorker[] = [];
  /** Chunk job id -> how many times it was encoded. */
  let encodes: Map<string, number>;
  /** Chunk job ids whose first attempt fails after encoding (as if the upload of its files broke). */
  let failFirstAttempt: Set<string>;
  /** The first chunk to run fails for good, before encoding (as if its part of the source were corrupt). */
  let failFirstToRun = false;

  const realChunk = () => encodeChunkJob({ objects, sources: sourceCache(objects, join(dir, 'source-cache'), 2 ** 30), ffmpegPath, ffprobePath });
  let chunkHelpers = 1;
  let running = 0;
  let mostAtOnce = 0;
  const countingChunk: JobHandler = async (payload, ctx) => {
    if (failFirstToRun) {
      failFirstToRun = false;
      throw new PermanentJobError('media_corrupt', 'the chunk could not be decoded (test)');
    }
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    const result = await realChunk()(payload, ctx).finally(() => running--);
    encodes.set(ctx.job.id, (encodes.get(ctx.job.id) ?? 0) + 1);
    if (failFirstAttempt.has(ctx.job.id) && ctx.job.attempts === 1) throw new Error('connection reset while storing the chunk (test)');
    return result;
  };
  const parent: JobHandler = async (_payload, ctx) => {
    const outDir = join(dir, `out-${ctx.job.id}`);
    const scratch = join(dir, `scratch-${ctx.job.id}`);
    await mkdir(scratch, { recursive: true });
    const sourcePath = await objects.localCopy(SOURCE_KEY, scratch);
    const runChunks = queuedChunkRunner({ queue, objects, runChunk: countingChunk, leaseSec: 30, log, pollMs: 20, chunkHelpers }, { job: ctx.job, videoId: 'v1', sourceKey: SOURCE_KEY });
    await encodeVideo({ ffmpegPath, ffprobePath, sourcePath, outDir, chunkSec: 4, runChunks, signal: ctx.signal });
    return digests(outDir);
  };
  const start = (count: number) => {
    workers = Array.from({ length: count }, () => startWorker({ queue, handlers: { [PARENT_JOB]: parent, [ENCODE_CHUNK_JOB]: countingChunk }, concurrency: 1, leaseSec: 30, log, pollMs: 20 }));
  };
  const finished = async (id: string): Promise<JobRecord> => {
    for (const giveUpAt = Date.now() + 600_000; Date.now() < giveUpAt; await delay(50)) {
      const job = (await queue.get(id))!;
      if (job.status === 'succeeded' || job.status === 'failed') return job;
    }
    assert.fail(`job ${id} did not finish`);
  };
  const chunkJobsOf = async (parentId: string, attempt: number): Promise<JobRecord[]> => {
    const jobs: JobRecord[] = [];
    for (let i = 0; ; i++) {
      const job = await queue.get(`${parentId}-${attempt}-chunk-${i}`);
      if (!job) return jobs;
      jobs.push(job);
    }
  };

  before(async () => {
    ({ dir, cleanup } = await tempDir('chunk-jobs'));
    database = openDatabase({ sqliteFile: join(dir, 'jobs.db') });
    await migrateToLatest(database.db, jobMigrations);
    queue = new JobQueue(database.db, database.engine);
    objects = localObjectStore(join(dir, 'objects'));
    // 10 s at 29.97 fps in 4 s chunks: three chunks, boundaries between frames.
    source = await makeClip(dir, 'source.mp4', { seconds: 10, width: 426, height: 240, fps: 29.97 });
    await objects.put(SOURCE_KEY, await readFile(source));
    // The same encode with its chunks run in-process, one at a time.
    await encodeVideo({ ffmpegPath, ffprobePath, sourcePath: source, outDir: join(dir, 'reference'), chunkSec: 4, chunkConcurrency: 1 });
    reference = await digests(join(dir, 'reference'));
  });
  beforeEach(() => {
    chunkHelpers = 1;
    running = 0;
    mostAtOnce = 0;
    encodes = new Map();
    failFirstAttempt = new Set();
    failFirstToRun = false;
  });
  after(async () => {
    await database.close();
    await cleanup();
  });
  const stopWorkers = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];
  };

  test('one worker running one job at a time finishes (the encode runs its own chunks); a failed chunk is retried alone', async (t) => {
    t.after(stopWorkers);
    start(1);
    const job = await queue.enqueue(PARENT_JOB, {});
    failFirstAttempt.add(`${job.id}-1-chunk-1`);
    const done = await finished(job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.deepEqual(done.result, reference, 'byte-identical to the in-process encode');

    const chunks = await chunkJobsOf(job.id, 1);
    assert.equal(chunks.length, 6, 'three chunks, each an H.264 and a VP9 unit');
    assert.deepEqual(chunks.map((c) => c.status), Array(6).fill('succeeded'));
    assert.deepEqual(chunks.map((c) => c.attempts), [1, 2, 1, 1, 1, 1], 'only the failed chunk ran again');
    assert.deepEqual(chunks.map((c) => encodes.get(c.id)), [1, 2, 1, 1, 1, 1], 'chunk encodes: the others were not redone');
    assert.deepEqual(await readdir(join(dir, 'objects', chunkWorkPrefix('v1', job.id, 1))).catch(() => []), [], 'chunk outputs removed');
  });

  test('two workers share the chunks and produce the same bytes', async (t) => {
    t.after(stopWorkers);
    start(2);
    const job = await queue.enqueue(PARENT_JOB, {});
    const done = await finished(job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.deepEqual(done.result, reference);
    const chunks = await chunkJobsOf(job.id, 1);
    assert.deepEqual(chunks.map((c) => encodes.get(c.id)), Array(6).fill(1), 'each chunk encoded once');
  });

  test('one worker whose encode runs two chunks at once produces the same bytes', async (t) => {
    t.after(stopWorkers);
    chunkHelpers = 2;
    start(1);
    const job = await queue.enqueue(PARENT_JOB, {});
    const done = await finished(job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.deepEqual(done.result, reference);
    assert.equal(mostAtOnce, 2, 'two chunks encoded side by side');
    const chunks = await chunkJobsOf(job.id, 1);
    assert.deepEqual(chunks.map((c) => encodes.get(c.id)), Array(6).fill(1), 'each chunk encoded once');
  });

  test('a chunk that fails for good fails the encode, and its chunks not yet run are cancelled, never encoded', async (t) => {
    t.after(stopWorkers);
    failFirstToRun = true;
    start(1);
    const job = await queue.enqueue(PARENT_JOB, {}, { maxAttempts: 1 });
    const done = await finished(job.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.error?.code, 'job_error');
    assert.match(done.error?.message ?? '', /could not be decoded/);
    const chunks = await chunkJobsOf(job.id, 1);
    assert.equal(chunks.length, 6);
    assert.deepEqual(chunks.map((c) => c.status), Array(6).fill('failed'));
    const codes = chunks.map((c) => c.error?.code).sort();
    assert.deepEqual(codes, ['cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'media_corrupt']);
    assert.equal(encodes.size, 0, 'no chunk was encoded after the failure');
    assert.deepEqual(await readdir(join(dir, 'objects', chunkWorkPrefix('v1', job.id, 1))).catch(() => []), [], 'chunk outputs removed');
  });
});
