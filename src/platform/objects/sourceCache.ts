/**
 * Local copies of objects that many jobs on one machine read (a source video that every chunk
 * job of an encode decodes a part of): downloaded once per machine rather than once per job,
 * kept while in use, and the least recently used dropped beyond a byte budget.
 *
 * A local store needs no copy (its objects are files already), so it is read in place.
 */
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore } from './types.ts';

export interface SourceLease {
  path: string;
  /** The copy may be dropped once nobody holds it; resolves when any copies over the budget are gone. */
  release(): Promise<void>;
}

export interface SourceCache {
  acquire(key: string): Promise<SourceLease>;
}

interface Entry {
  /** The object's key and version (size and modification time): a replaced object is another entry. */
  id: string;
  dir: string;
  size: number;
  path: Promise<string>;
  holders: number;
  lastUsed: number;
}

export function sourceCache(store: ObjectStore, cacheDir: string, maxBytes: number, now: () => number = Date.now): SourceCache {
  const entries = new Map<string, Entry>();

  async function evict(): Promise<void> {
    let total = [...entries.values()].reduce((sum, e) => sum + e.size, 0);
    const idle = [...entries.values()].filter((e) => e.holders === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of idle) {
      if (total <= maxBytes) break;
      entries.delete(e.id);
      total -= e.size;
      await rm(e.dir, { recursive: true, force: true });
    }
  }

  return {
    async acquire(key) {
      if (store.kind === 'local') return { path: await store.localCopy(key, cacheDir), release: async () => undefined };
      const info = await store.stat(key);
      // Not there: localCopy says so in the store's own words.
      if (!info) return { path: await store.localCopy(key, cacheDir), release: async () => undefined };
      // A replaced object gets a folder of its own: a job still reading the old copy keeps it.
      const id = `${key}\n${info.size}:${info.modifiedAt.getTime()}`;
      let entry = entries.get(id);
      if (!entry) {
        const dir = join(cacheDir, createHash('sha256').update(id).digest('hex').slice(0, 32));
        const path = mkdir(dir, { recursive: true }).then(() => store.localCopy(key, dir));
        const created: Entry = { id, dir, size: info.size, path, holders: 0, lastUsed: now() };
        entries.set(id, created);
        path.catch(() => {
          if (entries.get(id) === created) entries.delete(id);
          void rm(dir, { recursive: true, force: true });
        });
        entry = created;
      }
      const held = entry;
      held.holders++;
      try {
        const path = await held.path;
        let released = false;
        return {
          path,
          release: async () => {
            if (released) return;
            released = true;
            held.holders--;
            held.lastUsed = now();
            await evict();
          },
        };
      } catch (err) {
        held.holders--;
        throw err;
      }
    },
  };
}
