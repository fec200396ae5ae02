import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type JobQueue, LeaseLostError } from './queue.ts';
import { type JobHandler, type JobRecord, PermanentJobError } from './types.ts';

export interface WorkerOptions {
  queue: JobQueue;
  handlers: Record<string, JobHandler>;
  concurrency: number;
  leaseSec: number;
  log: Logger;
  pollMs?: number;
}

export interface RunningWorker {
  readonly id: string;
  /** Stops claiming new jobs and waits for the running ones. */
  stop(): Promise<void>;
}

/** Polls the queue and runs claimed jobs through their handlers, `concurrency` at a time. */
export function startWorker(opts: WorkerOptions): RunningWorker {
  const id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const types = Object.keys(opts.handlers);
  const pollMs = opts.pollMs ?? 500;
  const abort = new AbortController();
  const running = new Set<Promise<void>>();
  let stopped = false;
  let wake: (() => void) | undefined;

  const runJob = (job: JobRecord): Promise<void> => runClaimedJob({ queue: opts.queue, workerId: id, leaseSec: opts.leaseSec, log: opts.log, signal: abort.signal }, opts.handlers[job.type]!, job);

  const loop = async (): Promise<void> => {
    while (!stopped) {
      if (running.size >= opts.concurrency) {
        await Promise.race(running);
        continue;
      }
      let job: JobRecord | undefined;
      try {
        job = await opts.queue.claim(id, types, opts.leaseSec);
      } catch (err) {
        opts.log.error({ err }, 'claiming a job failed');
      }
      if (job) {
        const p = runJob(job).finally(() => running.delete(p));
        running.add(p);
        continue;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  };
  const done = loop();

  return {
    id,
    async stop() {
      stopped = true;
      wake?.();
      abort.abort();
      await done;
      await Promise.allSettled(running);
    },
  };
}

export interface ClaimedJobRun {
  queue: JobQueue;
  /** The lease owner the job was claimed as. */
  workerId: string;
  leaseSec: number;
  log: Logger;
  signal: AbortSignal;
}

/**
 * Runs one job already claimed as `workerId` and records how it ended. Also used by a handler
 * that claims and runs jobs itself while it waits for them (an encode running its own chunks).
 */
export async function runClaimedJob(run: ClaimedJobRun, handler: JobHandler, job: JobRecord): Promise<void> {
  const log = run.log.child({ jobId: job.id, jobType: job.type, attempt: job.attempts });
  log.info('job started');
  try {
    const result = await handler(job.payload, {
      job,
      signal: run.signal,
      reportProgress: (stage, progress) => run.queue.reportProgress(job.id, run.workerId, stage, progress, run.leaseSec),
    });
    await run.queue.succeed(job.id, run.workerId, result ?? null);
    log.info('job succeeded');
  } catch (err) {
    if (err instanceof LeaseLostError) {
      log.warn('job lease lost; another worker owns it now');
      return;
    }
    const permanent = err instanceof PermanentJobError;
    const code = permanent ? err.code : 'job_error';
    const message = err instanceof Error ? err.message : String(err);
    const status = await run.queue.fail(job.id, run.workerId, { code, message }, !permanent).catch((e: unknown) => {
      log.error({ err: e }, 'could not record job failure');
      return 'unknown';
    });
    log.warn({ code, message, status }, 'job failed');
  }
}
