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
  /** …or this long after the first of them arrived. */
  maxDelayMs?: number;
}

export function groupCommit<T>(o: GroupCommitOptions<T>): GroupCommit<T> {
  const maxBatch = o.maxBatch ?? 1000;
  const maxDelayMs = o.maxDelayMs ?? 2;
  let batch = new Map<string, T>();
  let waiters: { resolve(): void; reject(err: unknown): void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const flushNow = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (batch.size === 0) return writing;
    const items = [...batch.values()];
    const settled = waiters;
    batch = new Map();
    waiters = [];
    // Writes run one after another, so a later batch never overtakes an earlier one.
    writing = writing.then(() =>
      o.write(items).then(
        () => settled.forEach((w) => w.resolve()),
        (err: unknown) => settled.forEach((w) => w.reject(err)),
      ),
    );
    return writing;
  };

  return {
    submit(item) {
      const key = o.keyOf(item);
      const current = batch.get(key);
      batch.set(key, current === undefined ? item : o.merge(current, item));
      const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      if (batch.size >= maxBatch) void flushNow();
      else if (!timer) timer = setTimeout(() => void flushNow(), maxDelayMs);
      return done;
    },
    async flush() {
      await flushNow();
    },
    get pending() {
      return batch.size;
    },
  };
}
