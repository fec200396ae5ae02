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

  const runJob = async (job: JobRecord): Promise<void> => {
    const log = opts.log.child({ jobId: job.id, jobType: job.type, attempt: job.attempts });
    const handler = opts.handlers[job.type]!;
    log.info('job started');
    try {
      const result = await handler(job.payload, {
        job,
        signal: abort.signal,
        reportProgress: (stage, progress) => opts.queue.reportProgress(job.id, id, stage, progress, opts.leaseSec),
      });
      await opts.queue.succeed(job.id, id, result ?? null);
      log.info('job succeeded');
    } catch (err) {
      if (err instanceof LeaseLostError) {
        log.warn('job lease lost; another worker owns it now');
        return;
      }
      const permanent = err instanceof PermanentJobError;
      const code = permanent ? err.code : 'job_error';
      const message = err instanceof Error ? err.message : String(err);
      const status = await opts.queue.fail(job.id, id, { code, message }, !permanent).catch((e: unknown) => {
        log.error({ err: e }, 'could not record job failure');
        return 'unknown';
      });
      log.warn({ code, message, status }, 'job failed');
    }
  };

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
