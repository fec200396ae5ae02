import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

test('a copy evicted while another job asks for it is downloaded again, never handed out deleted', async () => {
  const { store, downloads } = remoteLike(join(dir, 'objects-race'));
  await store.put('a', Buffer.alloc(400, 1));
  await store.put('b', Buffer.alloc(400, 2));
  await store.put('c', Buffer.alloc(900, 3));
  let clock = 0;
  const cache = sourceCache(store, join(dir, 'cache-race'), 1000, () => clock++);
  await (await cache.acquire('a')).release();
  await (await cache.acquire('b')).release();
  const c1 = await cache.acquire('c');
  const c2 = await cache.acquire('c');
  // Releasing one hold on c evicts a and b; b is asked for at the same moment.
  const [, b] = await Promise.all([c1.release(), cache.acquire('b')]);
  assert.ok(await exists(b.path), 'the lease on b names a file that is there');
  assert.deepEqual(await readFile(b.path), Buffer.alloc(400, 2));
  assert.equal(downloads.get('b'), 2);
  await b.release();
  await c2.release();
});

test('folders left by processes that are gone are removed when a cache opens', async () => {
  const root = join(dir, 'cache-abandoned');
  // No process runs with pid 2^22 + 1 (above Linux's pid_max); this process's own pid with another suffix is an earlier run.
  for (const name of [`${2 ** 22 + 1}-dead`, `${process.pid}-earlier`]) await mkdir(join(root, name, '0'), { recursive: true });
  const { store } = remoteLike(join(dir, 'objects-abandoned'));
  await store.put('k', Buffer.from('x'));
  const lease = await sourceCache(store, root, 1000).acquire('k');
  assert.deepEqual((await readdir(root)).filter((n) => n.endsWith('-dead') || n.endsWith('-earlier')), []);
  await lease.release();
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
