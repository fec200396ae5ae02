import type { Guards } from '../resilience/index.ts';
import { ObjectNotFoundError, type ObjectStore } from './types.ts';

/**
 * Object storage behind a breaker: reads get a timeout, retries (they are idempotent) and fail
 * fast while the store is down. Writes pass straight through: an upload streams for as long as
 * it needs and is not replayable, so neither a timeout nor a retry fits it.
 */
export function guardedObjectStore(store: ObjectStore, guards: Guards): ObjectStore {
  const read = guards.guard('objects', (op: () => Promise<unknown>) => op(), { retries: 2, isAnswer: (err) => err instanceof ObjectNotFoundError });
  return {
    kind: store.kind,
    put: (key, body) => store.put(key, body),
    putDirectory: (prefix, dir) => store.putDirectory(prefix, dir),
    deletePrefix: (prefix) => store.deletePrefix(prefix),
    stat: (key) => read(() => store.stat(key)) as ReturnType<ObjectStore['stat']>,
    read: (key, range) => read(() => store.read(key, range)) as ReturnType<ObjectStore['read']>,
    localCopy: (key, scratchDir) => store.localCopy(key, scratchDir),
  };
}
