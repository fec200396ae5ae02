import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { databasesUnderTest } from '../../../test/support/postgres.ts';
import { type Database, migrateToLatest } from '../db/index.ts';
import { jobMigrations } from './migrations.ts';
import { JobQueue, LeaseLostError } from './queue.ts';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

for (const engine of await databasesUnderTest()) {
  describe(`JobQueue on ${engine.name}`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    let now: number;
    let queue: JobQueue;
    const clock = () => now;

    before(async () => {
      ({ database, cleanup } = await engine.open());
      await migrateToLatest(database.db, jobMigrations);
    });
    after(() => cleanup());
    beforeEach(async () => {
      await sql`delete from jobs`.execute(database.db);
      now = T0;
      queue = new JobQueue(database.db, database.engine, clock);
    });

    test('enqueue stores a queued job that get returns', async () => {
      const payload = { videoId: 'v1', rungs: [240, 720], nested: { ok: true } };
      const job = await queue.enqueue('encode', payload);
      const stored = await queue.get(job.id);
      assert.deepEqual(stored, job);
      assert.equal(stored?.type, 'encode');
      assert.deepEqual(stored?.payload, payload);
      assert.equal(stored?.status, 'queued');
      assert.equal(stored?.attempts, 0);
      assert.equal(stored?.maxAttempts, 3);
      assert.equal(stored?.runAt, iso(T0));
      assert.equal(stored?.progress, 0);
      assert.equal(stored?.stage, 'queued');
      assert.equal(stored?.leaseOwner, null);
      assert.equal(stored?.error, null);
      assert.equal(stored?.result, null);

      const chosen = await queue.enqueue('encode', null, { id: 'my-own-id', maxAttempts: 7 });
      assert.equal(chosen.id, 'my-own-id');
      assert.equal((await queue.get('my-own-id'))?.maxAttempts, 7);
      assert.equal(await queue.get('no-such-job'), undefined);
    });

    test('cancel fails queued and running jobs with cancelled; a cancelled running job\'s worker loses its lease; finished jobs stay as they were', async () => {
      const finished = await queue.enqueue('t', null);
      const running = await queue.enqueue('t', null);
      const waiting = await queue.enqueue('t', null);
      assert.equal((await queue.claim('w', ['t'], 30))?.id, finished.id);
      await queue.succeed(finished.id, 'w', { ok: true });
      assert.equal((await queue.claim('w', ['t'], 30))?.id, running.id);

      assert.equal(await queue.cancel([finished.id, running.id, waiting.id, 'no-such-job'], 'the encode stopped'), 2);
      assert.equal((await queue.get(finished.id))?.status, 'succeeded', 'finished jobs are not touched');
      for (const id of [running.id, waiting.id]) {
        const job = await queue.get(id);
        assert.equal(job?.status, 'failed');
        assert.deepEqual(job?.error, { code: 'cancelled', message: 'the encode stopped' });
        assert.equal(job?.leaseOwner, null);
      }
      await assert.rejects(queue.reportProgress(running.id, 'w', 'encode', 0.5, 30), LeaseLostError);
      assert.equal(await queue.claim('w', ['t'], 30), undefined, 'a cancelled job is never claimed');
      assert.equal(await queue.cancel([], 'nothing'), 0);
    });

    test('claim takes the oldest runnable job and marks it running under a lease', async () => {
      const first = await queue.enqueue('t', { n: 1 });
      now += 1000;
      const second = await queue.enqueue('t', { n: 2 });
      now += 1000;
      const third = await queue.enqueue('t', { n: 3 });
      now += 1000;

      const claimed = await queue.claim('w1', ['t'], 30);
      assert.equal(claimed?.id, first.id);
      assert.equal(claimed?.status, 'running');
      assert.equal(claimed?.attempts, 1);
      assert.equal(claimed?.leaseOwner, 'w1');
      assert.equal(claimed?.leaseExpiresAt, iso(now + 30_000));
      const stored = await queue.get(first.id);
      assert.equal(stored?.status, 'running');
      assert.equal(stored?.attempts, 1);
      assert.equal(stored?.leaseOwner, 'w1');

      assert.equal((await queue.claim('w1', ['t'], 30))?.id, second.id);
      assert.equal((await queue.claim('w1', ['t'], 30))?.id, third.id);
      assert.equal(await queue.claim('w1', ['t'], 30), undefined);
    });

    test('a job due earlier is claimed before one enqueued earlier but due later', async () => {
      const later = await queue.enqueue('t', 'later', { runAt: new Date(T0 + 5000) });
      const sooner = await queue.enqueue('t', 'sooner', { runAt: new Date(T0 + 1000) });
      now = T0 + 10_000;
      assert.equal((await queue.claim('w1', ['t'], 30))?.id, sooner.id);
      assert.equal((await queue.claim('w1', ['t'], 30))?.id, later.id);
    });

    test('a claimed job is not handed out again while its lease is live', async () => {
      const job = await queue.enqueue('t', {});
      assert.equal((await queue.claim('w1', ['t'], 30))?.id, job.id);
      assert.equal(await queue.claim('w2', ['t'], 30), undefined);
      now = T0 + 30_000; // the lease runs to exactly this instant: still held
      assert.equal(await queue.claim('w2', ['t'], 30), undefined);
      assert.equal((await queue.get(job.id))?.leaseOwner, 'w1');
    });

    test('a job whose lease expired is claimed by another worker, and the old worker has lost it', async () => {
      const job = await queue.enqueue('t', {});
      await queue.claim('w1', ['t'], 30);
      now = T0 + 31_000;
      const reclaimed = await queue.claim('w2', ['t'], 30);
      assert.equal(reclaimed?.id, job.id);
      assert.equal(reclaimed?.leaseOwner, 'w2');
      assert.equal(reclaimed?.attempts, 2);
      assert.equal(reclaimed?.leaseExpiresAt, iso(now + 30_000));

      await assert.rejects(queue.reportProgress(job.id, 'w1', 'late', 0.9, 30), LeaseLostError);
      await assert.rejects(queue.succeed(job.id, 'w1', 'stale'), LeaseLostError);
      await assert.rejects(queue.fail(job.id, 'w1', { code: 'x', message: 'stale' }, true), LeaseLostError);
      await assert.rejects(queue.fail(job.id, 'w1', { code: 'x', message: 'stale' }, false), LeaseLostError);
      const stored = await queue.get(job.id);
      assert.equal(stored?.status, 'running');
      assert.equal(stored?.leaseOwner, 'w2');
      assert.equal(stored?.error, null);
      assert.equal(stored?.progress, 0);
    });

    test('a job abandoned more often than its max attempts fails as worker_lost', async () => {
      const job = await queue.enqueue('t', {}, { maxAttempts: 2 });
      await queue.claim('w1', ['t'], 10);
      now += 11_000;
      await queue.claim('w2', ['t'], 10);
      now += 11_000;
      assert.equal(await queue.claim('w3', ['t'], 10), undefined);
      const stored = await queue.get(job.id);
      assert.equal(stored?.status, 'failed');
      assert.equal(stored?.error?.code, 'worker_lost');
    });

    test('reportProgress stores stage and progress and renews the lease', async () => {
      const job = await queue.enqueue('t', {});
      await queue.claim('w1', ['t'], 30);
      now = T0 + 20_000;
      await queue.reportProgress(job.id, 'w1', 'encoding', 0.5, 30);
      let stored = await queue.get(job.id);
      assert.equal(stored?.stage, 'encoding');
      assert.equal(stored?.progress, 0.5);
      assert.equal(stored?.leaseExpiresAt, iso(T0 + 50_000));

      now = T0 + 40_000; // past the first lease, inside the renewed one
      assert.equal(await queue.claim('w2', ['t'], 30), undefined);

      await queue.reportProgress(job.id, 'w1', 'packaging', 7, 30);
      stored = await queue.get(job.id);
      assert.equal(stored?.stage, 'packaging');
      assert.equal(stored?.progress, 1, 'progress is clamped to 0..1');

      await assert.rejects(queue.reportProgress(job.id, 'someone-else', 'x', 0.1, 30), LeaseLostError);
      await assert.rejects(queue.reportProgress('no-such-job', 'w1', 'x', 0.1, 30), LeaseLostError);
      await queue.succeed(job.id, 'w1', null);
      await assert.rejects(queue.reportProgress(job.id, 'w1', 'after', 0.1, 30), LeaseLostError);
    });

    test('a retryable failure requeues with backoff until max attempts, then fails with the error', async () => {
      const job = await queue.enqueue('t', {}, { maxAttempts: 3 });
      const expectedDelays = [
        [1.6, 2.4],
        [3.2, 4.8],
      ] as const;
      for (let attempt = 1; attempt <= 2; attempt++) {
        const claimed = await queue.claim('w1', ['t'], 30);
        assert.equal(claimed?.id, job.id);
        assert.equal(claimed?.attempts, attempt);
        const status = await queue.fail(job.id, 'w1', { code: 'flaky', message: `try ${attempt}` }, true);
        assert.equal(status, 'queued');
        const stored = await queue.get(job.id);
        assert.equal(stored?.status, 'queued');
        assert.equal(stored?.leaseOwner, null);
        assert.equal(stored?.stage, 'retrying');
        assert.deepEqual(stored?.error, { code: 'flaky', message: `try ${attempt}` });
        const delaySec = (Date.parse(stored!.runAt) - now) / 1000;
        const [lo, hi] = expectedDelays[attempt - 1]!;
        assert.ok(delaySec >= lo && delaySec <= hi, `retry ${attempt} waits ${delaySec}s, expected ${lo}..${hi}`);
        assert.equal(await queue.claim('w1', ['t'], 30), undefined, 'not runnable before its backoff ends');
        now = Date.parse(stored!.runAt);
      }
      assert.equal((await queue.claim('w1', ['t'], 30))?.attempts, 3);
      assert.equal(await queue.fail(job.id, 'w1', { code: 'flaky', message: 'last try' }, true), 'failed');
      const stored = await queue.get(job.id);
      assert.equal(stored?.status, 'failed');
      assert.equal(stored?.attempts, 3);
      assert.deepEqual(stored?.error, { code: 'flaky', message: 'last try' });
      assert.equal(stored?.leaseOwner, null);
      now += 24 * 3600_000;
      assert.equal(await queue.claim('w1', ['t'], 30), undefined);
    });

    test('a non-retryable failure fails the job at once', async () => {
      const job = await queue.enqueue('t', {}, { maxAttempts: 5 });
      await queue.claim('w1', ['t'], 30);
      assert.equal(await queue.fail(job.id, 'w1', { code: 'bad_media', message: 'not a video' }, false), 'failed');
      const stored = await queue.get(job.id);
      assert.equal(stored?.status, 'failed');
      assert.equal(stored?.stage, 'failed');
      assert.equal(stored?.attempts, 1);
      assert.deepEqual(stored?.error, { code: 'bad_media', message: 'not a video' });
      now += 3600_000;
      assert.equal(await queue.claim('w1', ['t'], 30), undefined);
    });

    test('succeed stores the result and progress 1', async () => {
      const job = await queue.enqueue('t', {});
      await queue.claim('w1', ['t'], 30);
      await queue.reportProgress(job.id, 'w1', 'halfway', 0.5, 30);
      await queue.succeed(job.id, 'w1', { renditions: 4, manifest: 'a/b.mpd' });
      const stored = await queue.get(job.id);
      assert.equal(stored?.status, 'succeeded');
      assert.equal(stored?.stage, 'done');
      assert.equal(stored?.progress, 1);
      assert.deepEqual(stored?.result, { renditions: 4, manifest: 'a/b.mpd' });
      assert.equal(stored?.leaseOwner, null);
      assert.equal(stored?.error, null);
      now += 3600_000;
      assert.equal(await queue.claim('w2', ['t'], 30), undefined);
      await assert.rejects(queue.succeed(job.id, 'w1', 'again'), LeaseLostError);
    });

    test('claim only takes jobs of the requested types', async () => {
      const a = await queue.enqueue('type-a', {});
      now += 1000;
      const b = await queue.enqueue('type-b', {});
      assert.equal(await queue.claim('w1', [], 30), undefined);
      assert.equal(await queue.claim('w1', ['type-c'], 30), undefined);
      assert.equal((await queue.claim('w1', ['type-b'], 30))?.id, b.id);
      assert.equal(await queue.claim('w1', ['type-b'], 30), undefined);
      assert.equal((await queue.claim('w1', ['type-c', 'type-a'], 30))?.id, a.id);
    });

    test('a job scheduled for later is not claimed before its time', async () => {
      const job = await queue.enqueue('t', {}, { runAt: new Date(T0 + 60_000) });
      assert.equal((await queue.get(job.id))?.runAt, iso(T0 + 60_000));
      assert.equal(await queue.claim('w1', ['t'], 30), undefined);
      now = T0 + 59_999;
      assert.equal(await queue.claim('w1', ['t'], 30), undefined);
      now = T0 + 60_000;
      assert.equal((await queue.claim('w1', ['t'], 30))?.id, job.id);
    });

    test("enqueue inside the caller's transaction exists only if the transaction commits", async () => {
      let rolledBackId: string | undefined;
      await assert.rejects(
        database.db.transaction().execute(async (trx) => {
          rolledBackId = (await queue.enqueue('t', { in: 'rollback' }, { transaction: trx })).id;
          throw new Error('caller failed after enqueueing');
        }),
        /caller failed/,
      );
      assert.ok(rolledBackId);
      assert.equal(await queue.get(rolledBackId), undefined);
      assert.equal(await queue.claim('w1', ['t'], 30), undefined);

      const committed = await database.db.transaction().execute((trx) => queue.enqueue('t', { in: 'commit' }, { transaction: trx }));
      assert.equal((await queue.get(committed.id))?.status, 'queued');
      assert.equal((await queue.claim('w1', ['t'], 30))?.id, committed.id);
    });

    test('concurrent claims from two queues never hand one job to two workers', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 10; i++) ids.add((await queue.enqueue('t', { i })).id);
      const other = new JobQueue(database.db, database.engine, clock);
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? queue : other).claim(`w${i}`, ['t'], 30).then((job) => ({ worker: `w${i}`, job }))),
      );
      const won = claims.filter((c) => c.job !== undefined);
      assert.equal(won.length, 10, 'every job is claimed once and ten claims come back empty');
      assert.deepEqual(new Set(won.map((c) => c.job!.id)), ids);
      for (const { worker, job } of won) {
        const stored = await queue.get(job!.id);
        assert.equal(stored?.leaseOwner, worker);
        assert.equal(stored?.attempts, 1, `job ${job!.id} was claimed more than once`);
      }
    });
  });
}
