/**
 * Group commit: callers submit items and wait; items are coalesced by key (the merge keeps the
 * one that should win) and flushed together in one write. Every caller's promise settles only
 * after the write that holds its item has committed, so an acknowledged item is durable.
 */
export interface GroupCommit<T> {
  submit(item: T): Promise<void>;
  /** Writes everything pending now (graceful shutdown calls this). */
  flush(): Promise<void>;
  readonly pending: number;
}

export interface GroupCommitOptions<T> {
  keyOf(item: T): string;
  /** Which of two items with one key to keep. */
  merge(current: T, incoming: T): T;
  write(items: T[]): Promise<void>;
  /** Flush when this many distinct keys are waiting… */
  maxBatch?: number;
  /**
   * …or this long after the first of them arrived; 0: once this turn of the event loop has taken
   * in every request that was waiting, so a busy server writes big batches and an idle one waits
   * for nothing.
   */
  maxDelayMs?: number;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * One write at a time: what arrives while a write is under way waits for it and goes out in the
 * next write as soon as it is done. Batches so grow with the write's own latency (a remote
 * database), a later batch never overtakes an earlier one, and there is no queue of tiny writes.
 */
export function groupCommit<T>(o: GroupCommitOptions<T>): GroupCommit<T> {
  const maxBatch = o.maxBatch ?? 1000;
  const maxDelayMs = o.maxDelayMs ?? 2;
  let batch = new Map<string, T>();
  let waiters: Waiter[] = [];
  let cancelTimer: (() => void) | undefined;
  const startTimer = (): void => {
    if (maxDelayMs === 0) {
      const t = setImmediate(writeNow);
      cancelTimer = () => clearImmediate(t);
    } else {
      const t = setTimeout(writeNow, maxDelayMs);
      cancelTimer = () => clearTimeout(t);
    }
  };
  let writing: Promise<void> | undefined;

  const writeNow = (): void => {
    cancelTimer?.();
    cancelTimer = undefined;
    if (writing || batch.size === 0) return;
    const items = [...batch.values()];
    const settled = waiters;
    batch = new Map();
    waiters = [];
    writing = o
      .write(items)
      .then(
        () => settled.forEach((w) => w.resolve()),
        (err: unknown) => settled.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        writing = undefined;
        // These waited for the write that just ended; they need not wait any longer.
        writeNow();
      });
  };

  return {
    submit(item) {
      const key = o.keyOf(item);
      const current = batch.get(key);
      batch.set(key, current === undefined ? item : o.merge(current, item));
      const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      if (!writing) {
        if (batch.size >= maxBatch) writeNow();
        else if (!cancelTimer) startTimer();
      }
      return done;
    },
    async flush() {
      writeNow();
      while (writing) {
        await writing;
        writeNow();
      }
    },
    get pending() {
      return batch.size;
    },
  };
}
