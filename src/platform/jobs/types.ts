export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobRecord {
  id: string;
  type: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  progress: number;
  stage: string;
  error: { code: string; message: string } | null;
  result: unknown;
  createdAt: string;
  updatedAt: string;
}

/** A handler throws this for a failure that retrying cannot fix (bad media, missing input). */
export class PermanentJobError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export interface JobContext {
  readonly job: JobRecord;
  /** Records progress and renews the lease; throws if another worker now holds the job. */
  reportProgress(stage: string, progress: number): Promise<void>;
  readonly signal: AbortSignal;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<unknown>;
