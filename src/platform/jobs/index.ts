export { JobQueue, LeaseLostError, type EnqueueOptions } from './queue.ts';
export { runClaimedJob, startWorker, type ClaimedJobRun, type RunningWorker, type WorkerOptions } from './worker.ts';
export { PermanentJobError, type JobContext, type JobHandler, type JobRecord, type JobStatus } from './types.ts';
export { retryDelaySec } from './backoff.ts';
export { jobMigrations } from './migrations.ts';
