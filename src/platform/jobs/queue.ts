import { type Kysely, sql } from 'kysely';
import { type SqlEngine, newId, nowIso } from '../db/index.ts';
import { retryDelaySec } from './backoff.ts';
import type { JobRecord, JobStatus } from './types.ts';

interface JobRow {
  id: string;
  type: string;
  payload: string;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  progress: number;
  stage: string;
  error_code: string | null;
  error_message: string | null;
  result: string | null;
  created_at: string;
  updated_at: string;
}
type JobTables = {
  jobs: JobRow;
};

export interface EnqueueOptions {
  /** Callers that must record the job id before the job exists may choose it. */
  id?: string;
  maxAttempts?: number;
  runAt?: Date;
  /** Enqueue inside the caller's transaction, so the job exists only if the caller's writes do. */
  transaction?: Kysely<object>;
}

export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`Lease on job ${jobId} was lost to another worker`);
  }
}

/**
 * A durable job queue in the database. Workers lease a job for a while and renew the lease as
 * they report progress; a worker that dies lets its lease lapse and another picks the job up.
 */
export class JobQueue {
  private readonly db: Kysely<JobTables>;

  constructor(db: Kysely<object>, private readonly engine: SqlEngine, private readonly clock: () => number = Date.now) {
    this.db = db.withTables<JobTables>();
  }

  async enqueue(type: string, payload: unknown, opts: EnqueueOptions = {}): Promise<JobRecord> {
    const now = nowIso(this.clock());
    const row: JobRow = {
      id: opts.id ?? newId(),
      type,
      payload: JSON.stringify(payload),
      status: 'queued',
      attempts: 0,
      max_attempts: opts.maxAttempts ?? 3,
      run_at: opts.runAt ? opts.runAt.toISOString() : now,
      lease_owner: null,
      lease_expires_at: null,
      progress: 0,
      stage: 'queued',
      error_code: null,
      error_message: null,
      result: null,
      created_at: now,
      updated_at: now,
    };
    await (opts.transaction ? opts.transaction.withTables<JobTables>() : this.db).insertInto('jobs').values(row).execute();
    return toRecord(row);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Takes the oldest runnable job of the given types, or one whose worker's lease lapsed. */
  async claim(workerId: string, types: readonly string[], leaseSec: number): Promise<JobRecord | undefined> {
    if (types.length === 0) return undefined;
    const now = nowIso(this.clock());
    const leaseUntil = nowIso(this.clock() + leaseSec * 1000);
    const lock = this.engine === 'postgres' ? sql`for update skip locked` : sql``;
    const result = await sql<JobRow>`
      update jobs set status = 'running', lease_owner = ${workerId}, lease_expires_at = ${leaseUntil},
        attempts = attempts + 1, updated_at = ${now}
      where id = (
        select id from jobs
        where type in (${sql.join(types)})
          and ((status = 'queued' and run_at <= ${now}) or (status = 'running' and lease_expires_at < ${now}))
        order by run_at, created_at
        limit 1 ${lock}
      )
      returning *`.execute(this.db);
    const row = result.rows[0];
    if (!row) return undefined;
    if (row.attempts > row.max_attempts) {
      await this.finish(row.id, workerId, 'failed', { error: { code: 'worker_lost', message: 'The job was abandoned by its worker too many times' } });
      return this.claim(workerId, types, leaseSec);
    }
    return toRecord(row);
  }

  async reportProgress(id: string, workerId: string, stage: string, progress: number, leaseSec: number): Promise<void> {
    const res = await this.db
      .updateTable('jobs')
      .set({
        stage,
        progress: Math.max(0, Math.min(1, progress)),
        lease_expires_at: nowIso(this.clock() + leaseSec * 1000),
        updated_at: nowIso(this.clock()),
      })
      .where('id', '=', id)
      .where('lease_owner', '=', workerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new LeaseLostError(id);
  }

  async succeed(id: string, workerId: string, result: unknown): Promise<void> {
    await this.finish(id, workerId, 'succeeded', { result });
  }

  /** A retryable failure goes back to the queue with backoff until attempts run out. */
  async fail(id: string, workerId: string, error: { code: string; message: string }, retryable: boolean): Promise<JobStatus> {
    const row = await this.db.selectFrom('jobs').select(['attempts', 'max_attempts']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new Error(`Unknown job ${id}`);
    if (retryable && row.attempts < row.max_attempts) {
      const runAt = nowIso(this.clock() + retryDelaySec(row.attempts) * 1000);
      const res = await this.db
        .updateTable('jobs')
        .set({ status: 'queued', run_at: runAt, lease_owner: null, lease_expires_at: null, stage: 'retrying', error_code: error.code, error_message: error.message, updated_at: nowIso(this.clock()) })
        .where('id', '=', id)
        .where('lease_owner', '=', workerId)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new LeaseLostError(id);
      return 'queued';
    }
    await this.finish(id, workerId, 'failed', { error });
    return 'failed';
  }

  /**
   * Ends jobs nobody needs any more (the chunks of an encode that stopped): queued or running,
   * they fail with `cancelled`. A running one loses its lease, so its worker's next progress
   * report fails and it can stop. Returns how many were cancelled.
   */
  async cancel(ids: readonly string[], message: string): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await this.db
      .updateTable('jobs')
      .set({ status: 'failed', stage: 'failed', lease_owner: null, lease_expires_at: null, error_code: 'cancelled', error_message: message, updated_at: nowIso(this.clock()) })
      .where('id', 'in', ids)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  private async finish(id: string, workerId: string, status: 'succeeded' | 'failed', outcome: { result?: unknown; error?: { code: string; message: string } }): Promise<void> {
    const res = await this.db
      .updateTable('jobs')
      .set({
        status,
        stage: status === 'succeeded' ? 'done' : 'failed',
        progress: status === 'succeeded' ? 1 : undefined,
        lease_owner: null,
        lease_expires_at: null,
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        error_code: outcome.error?.code ?? null,
        error_message: outcome.error?.message ?? null,
        updated_at: nowIso(this.clock()),
      })
      .where('id', '=', id)
      .where('lease_owner', '=', workerId)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new LeaseLostError(id);
  }
}

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    type: row.type,
    payload: JSON.parse(row.payload),
    status: row.status,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: row.run_at,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    progress: Number(row.progress),
    stage: row.stage,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    result: row.result === null ? null : JSON.parse(row.result),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
