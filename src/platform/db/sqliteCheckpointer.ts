import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the write-ahead log back into the database file from a thread of its own. SQLite does
 * this inside a commit by default, every 1,000 pages, and the commit that crosses the line waits
 * for the copy and two fsyncs: better-sqlite3 runs on the event loop, so every request in the
 * process waited with it (tens of milliseconds on a busy disk). Commits are as durable as before
 * (a commit is in the log when it returns, which survives the process being killed); the copy only
 * bounds how long the log grows.
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

// Plain CommonJS so the thread needs no TypeScript loader. PASSIVE never waits for a lock and never
// blocks a writer; when another connection is checkpointing, it simply tries again next time. The
// log starts over only when a writer finds all of it copied, which a steady stream of commits can
// keep from happening: past RESTART_FRAMES the thread waits (briefly) for a moment between writes
// and copies the last frames then, so the next commit starts the log from the beginning again.
const THREAD = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 100 });
const checkpoint = () => {
  try {
    const [progress] = db.pragma('wal_checkpoint(PASSIVE)');
    if (progress.log > workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch (err) {
    if (err.code !== 'SQLITE_BUSY' && err.code !== 'SQLITE_LOCKED') throw err;
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Log length (pages) past which the checkpoint makes sure the log starts over: 40 MB of 4 KiB pages. */
const RESTART_FRAMES = 10_000;

/** Starts checkpointing `file` every `intervalMs`; `onFailure` runs if the thread dies (then checkpoint some other way). */
export function startCheckpointer(file: string, intervalMs: number, onFailure: (err: unknown) => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD, { eval: true, workerData: { file, driver, intervalMs, restartFrames: RESTART_FRAMES } });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping = false;
  worker.once('error', (err) => {
    if (!stopping) onFailure(err);
  });
  return {
    async stop() {
      stopping = true;
      // Held open until the thread has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
