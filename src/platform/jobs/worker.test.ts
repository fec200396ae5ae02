import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type Database, migrateToLatest, openDatabase } from '../db/index.ts';
import { createLogger } from '../logger.ts';
import { jobMigrations } from './migrations.ts';
import { JobQueue } from './queue.ts';
import { type JobContext, type JobHandler, type JobRecord, PermanentJobError } from './types.ts';
import { type RunningWorker, startWorker } from './worker.ts';

const log = createLogger('silent');

/** A promise the test resolves when it chooses, to hold a handler mid-run. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('startWorker', () => {
  let dir: string;
  let database: Database;
  let queue: JobQueue;
  let now: number;
  let worker: RunningWorker | undefined;

  const start = (handlers: Record<string, JobHandler>, concurrency = 1) => {
    worker = startWorker({ queue, handlers, concurrency, leaseSec: 30, log, pollMs: 5 });
    return worker;
  };

  /** Polls the job until `ok` holds; gives up (failing the test) after ten seconds. */
  const waitForJob = async (id: string, ok: (job: JobRecord) => boolean, what: string): Promise<JobRecord> => {
    for (const giveUpAt = Date.now() + 10_000; Date.now() < giveUpAt; ) {
      const job = await queue.get(id);
      if (job && ok(job)) return job;
      await delay(5);
    }
    assert.fail(`job ${id} never became ${what}: ${JSON.stringify(await queue.get(id))}`);
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marquee-worker-'));
    database = openDatabase({ sqliteFile: join(dir, 'jobs.db') });
    await migrateToLatest(database.db, jobMigrations);
    now = Date.now();
    queue = new JobQueue(database.db, database.engine, () => now);
    worker = undefined;
  });
  afterEach(async () => {
    await worker?.stop();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('runs the handler for the job type, records its progress and its result', async () => {
    const halfway = gate();
    const seen: { payload: unknown; ctx?: JobContext }[] = [];
    start({
      greet: async (payload, ctx) => {
        seen.push({ payload, ctx });
        await ctx.reportProgress('greeting', 0.5);
        await halfway.wait;
        return { greeting: `hello ${(payload as { name: string }).name}` };
      },
    });
    const job = await queue.enqueue('greet', { name: 'ada' });
    const running = await waitForJob(job.id, (j) => j.stage === 'greeting', 'in progress');
    assert.equal(running.status, 'running');
    assert.equal(running.progress, 0.5);
    assert.equal(running.leaseOwner, worker!.id);

    halfway.open();
    const done = await waitForJob(job.id, (j) => j.status !== 'running', 'finished');
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.result, { greeting: 'hello ada' });
    assert.equal(done.progress, 1);
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]!.payload, { name: 'ada' });
    assert.equal(seen[0]!.ctx?.job.id, job.id);
  });

  test('leaves jobs of types it has no handler for', async () => {
    start({ known: async () => 'ok' });
    const other = await queue.enqueue('unknown', {});
    const known = await queue.enqueue('known', {});
    await waitForJob(known.id, (j) => j.status === 'succeeded', 'succeeded');
    assert.equal((await queue.get(other.id))?.status, 'queued');
  });

  test('a PermanentJobError fails the job at once with its code', async () => {
    let calls = 0;
    start({
      probe: async () => {
        calls++;
        throw new PermanentJobError('not_a_video', 'The upload is not a video file');
      },
    });
    const job = await queue.enqueue('probe', {}, { maxAttempts: 5 });
    const failed = await waitForJob(job.id, (j) => j.status === 'failed', 'failed');
    assert.deepEqual(failed.error, { code: 'not_a_video', message: 'The upload is not a video file' });
    assert.equal(failed.attempts, 1);
    now += 3600_000;
    await delay(30);
    assert.equal(calls, 1, 'a permanent failure is not retried');
  });

  test('a plain Error requeues the job with backoff and it runs again', async () => {
    let calls = 0;
    start({
      flaky: async () => {
        calls++;
        if (calls === 1) throw new Error('network blip');
        return 'second time lucky';
      },
    });
    const job = await queue.enqueue('flaky', {});
    const retrying = await waitForJob(job.id, (j) => j.status === 'queued' && j.attempts === 1, 'requeued');
    assert.deepEqual(retrying.error, { code: 'job_error', message: 'network blip' });
    assert.equal(retrying.stage, 'retrying');
    assert.ok(Date.parse(retrying.runAt) > now, 'the retry waits for its backoff');

    now += 10 * 60_000; // past the backoff
    const done = await waitForJob(job.id, (j) => j.status === 'succeeded', 'succeeded');
    assert.equal(done.attempts, 2);
    assert.equal(done.result, 'second time lucky');
    assert.equal(calls, 2);
  });

  test('runs up to `concurrency` jobs at once', async () => {
    const release = gate();
    let active = 0;
    let peak = 0;
    start(
      {
        slow: async () => {
          active++;
          peak = Math.max(peak, active);
          await release.wait;
          active--;
        },
      },
      2,
    );
    const jobs = await Promise.all([1, 2, 3].map((n) => queue.enqueue('slow', { n })));
    for (const j of jobs.slice(0, 2)) await waitForJob(j.id, (x) => x.status === 'running', 'running');
    await delay(30);
    assert.equal((await queue.get(jobs[2]!.id))?.status, 'queued', 'the third waits for a free slot');
    release.open();
    for (const j of jobs) await waitForJob(j.id, (x) => x.status === 'succeeded', 'succeeded');
    assert.equal(peak, 2);
  });

  test('stop() aborts the signal, waits for running jobs, and claims nothing more', async () => {
    const release = gate();
    let signal: AbortSignal | undefined;
    const w = start({
      long: async (_payload, ctx) => {
        signal = ctx.signal;
        await release.wait;
        return 'finished anyway';
      },
    });
    const job = await queue.enqueue('long', {});
    await waitForJob(job.id, (j) => j.status === 'running', 'running');

    let stopped = false;
    const stopping = w.stop().then(() => (stopped = true));
    await delay(30);
    assert.equal(stopped, false, 'stop() must wait for the running job');
    assert.equal(signal?.aborted, true, 'handlers are told to stop');

    release.open();
    await stopping;
    assert.equal((await queue.get(job.id))?.status, 'succeeded');

    const later = await queue.enqueue('long', {});
    await delay(30);
    assert.equal((await queue.get(later.id))?.status, 'queued', 'a stopped worker claims nothing');
  });
});
