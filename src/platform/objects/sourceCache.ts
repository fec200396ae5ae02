/**
 * Local copies of objects that many jobs in one worker process read (a source video that every
 * chunk job of an encode decodes a part of): downloaded once per process rather than once per
 * job, kept while in use, and the least recently used dropped beyond a byte budget.
 *
 * Each process keeps its copies in a folder of its own under `cacheDir` (`<pid>-<random>`), so
 * processes sharing a data directory never delete one another's files; folders of processes that
 * are gone (a crash, a restart) are removed when a cache is opened.
 *
 * A local store needs no copy (its objects are files already), so it is read in place.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
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
  const ownName = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const ownDir = join(cacheDir, ownName);
  const opened = removeAbandoned(cacheDir, ownName);
  let serial = 0;

  /** Victims leave the map before any file is removed, so an acquire can never be handed one. */
  async function evict(): Promise<void> {
    let total = [...entries.values()].reduce((sum, e) => sum + e.size, 0);
    const victims: Entry[] = [];
    for (const e of [...entries.values()].filter((x) => x.holders === 0).sort((a, b) => a.lastUsed - b.lastUsed)) {
      if (total <= maxBytes) break;
      entries.delete(e.id);
      total -= e.size;
      victims.push(e);
    }
    await Promise.all(victims.map((e) => rm(e.dir, { recursive: true, force: true })));
  }

  return {
    async acquire(key) {
      if (store.kind === 'local') return { path: await store.localCopy(key, cacheDir), release: async () => undefined };
      const info = await store.stat(key);
      // Not there: localCopy says so in the store's own words.
      if (!info) return { path: await store.localCopy(key, cacheDir), release: async () => undefined };
      // Every copy gets a folder of its own: a job still reading an old or evicted copy keeps it.
      const id = `${key}\n${info.size}:${info.modifiedAt.getTime()}`;
      let entry = entries.get(id);
      if (!entry) {
        const dir = join(ownDir, String(serial++));
        const path = opened.then(() => mkdir(dir, { recursive: true })).then(() => store.localCopy(key, dir));
        const created: Entry = { id, dir, size: info.size, path, holders: 0, lastUsed: now() };
        entries.set(id, created);
        path.catch(async () => {
          if (entries.get(id) === created) entries.delete(id);
          await rm(dir, { recursive: true, force: true });
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

/** Removes the folders of cache-owning processes on this machine that no longer run. */
async function removeAbandoned(cacheDir: string, ownName: string): Promise<void> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const pid = Number(/^(\d+)-/.exec(name)?.[1]);
      if (!Number.isInteger(pid) || name === ownName) return;
      // An earlier process with this pid (a restarted container's) is certainly gone.
      if (pid === process.pid || !isRunning(pid)) await rm(join(cacheDir, name), { recursive: true, force: true });
    }),
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
