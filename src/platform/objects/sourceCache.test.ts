import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { localObjectStore } from './localStore.ts';
import { sourceCache } from './sourceCache.ts';
import type { ObjectStore } from './types.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'source-cache-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** A store that copies like a remote one does (a download per localCopy), counting the downloads. */
function remoteLike(root: string): { store: ObjectStore; downloads: Map<string, number> } {
  const local = localObjectStore(root);
  const downloads = new Map<string, number>();
  const store: ObjectStore = {
    ...local,
    kind: 's3',
    async localCopy(key, scratchDir) {
      downloads.set(key, (downloads.get(key) ?? 0) + 1);
      const target = join(scratchDir, 'copy');
      await rm(target, { force: true });
      await writeFile(target, await readFile(await local.localCopy(key, scratchDir)));
      return target;
    },
  };
  return { store, downloads };
}
const exists = (path: string) => stat(path).then(() => true, () => false);

test('jobs on one machine share one download of a source; it stays while held and goes least recently used first beyond the budget', async () => {
  const { store, downloads } = remoteLike(join(dir, 'objects'));
  await store.put('uploads/a/source', Buffer.alloc(600, 1));
  await store.put('uploads/b/source', Buffer.alloc(600, 2));
  let clock = 0;
  const cache = sourceCache(store, join(dir, 'cache'), 1000, () => clock++);

  const leases = await Promise.all([1, 2, 3].map(() => cache.acquire('uploads/a/source')));
  assert.equal(downloads.get('uploads/a/source'), 1, 'three jobs at once, one download');
  assert.equal(new Set(leases.map((l) => l.path)).size, 1);
  assert.deepEqual(await readFile(leases[0]!.path), Buffer.alloc(600, 1));

  // Over the budget while a is held: a stays.
  const b = await cache.acquire('uploads/b/source');
  await Promise.all(leases.slice(0, 2).map((l) => l.release()));
  await b.release();
  assert.ok(await exists(leases[0]!.path), 'still held by one job');
  assert.ok(!(await exists(b.path)), 'b, idle, went to bring the cache under its budget');

  await leases[2]!.release();
  await leases[2]!.release();
  const again = await cache.acquire('uploads/a/source');
  assert.equal(downloads.get('uploads/a/source'), 1, 'a kept copy is used again');
  await again.release();

  // A replaced object is downloaded afresh.
  await store.put('uploads/a/source', Buffer.alloc(700, 3));
  const fresh = await cache.acquire('uploads/a/source');
  assert.equal(downloads.get('uploads/a/source'), 2);
  assert.deepEqual(await readFile(fresh.path), Buffer.alloc(700, 3));
  await fresh.release();
});

test('a missing object fails like the store says; a local store is read in place', async () => {
  const { store } = remoteLike(join(dir, 'objects-2'));
  const cache = sourceCache(store, join(dir, 'cache-2'), 1000);
  await assert.rejects(cache.acquire('uploads/none/source'), /No object/);

  const local = localObjectStore(join(dir, 'objects-3'));
  await local.put('uploads/c/source', Buffer.from('abc'));
  const lease = await sourceCache(local, join(dir, 'cache-3'), 1000).acquire('uploads/c/source');
  assert.equal(lease.path, await local.localCopy('uploads/c/source', dir));
  await lease.release();
});
