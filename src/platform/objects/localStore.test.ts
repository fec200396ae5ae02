import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { objectStoreContract } from './contract.ts';
import { localObjectStore } from './localStore.ts';
import { ObjectNotFoundError } from './types.ts';

/** Every file below `dir`, as slash-separated paths relative to it (temporary files included). */
async function filesBelow(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? filesBelow(join(dir, e.name), `${prefix}${e.name}/`) : Promise.resolve([`${prefix}${e.name}`]))),
  );
  return nested.flat().sort();
}

objectStoreContract('local directory', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'marquee-objects-'));
  const root = join(parent, 'store'); // not created yet: the store makes what it needs
  return {
    store: localObjectStore(root),
    listAll: () => filesBelow(root),
    cleanup: () => rm(parent, { recursive: true, force: true }),
  };
});

describe('localObjectStore', () => {
  let parent: string;
  let root: string;
  before(async () => {
    parent = await mkdtemp(join(tmpdir(), 'marquee-objects-'));
    root = join(parent, 'store');
    await writeFile(join(parent, 'secret'), 'outside the store');
  });
  after(() => rm(parent, { recursive: true, force: true }));

  test('keeps objects as files under its root, under their key', async () => {
    const store = localObjectStore(root);
    await store.put('a/b/c.txt', Buffer.from('abc'));
    assert.equal((await stat(join(root, 'a', 'b', 'c.txt'))).size, 3);
    assert.equal(await store.localCopy('a/b/c.txt', parent), join(root, 'a', 'b', 'c.txt'));
  });

  test('no key reaches a file outside the root', async () => {
    const store = localObjectStore(root);
    assert.equal(await store.stat('../secret').catch(() => undefined), undefined);
    await assert.rejects(store.read('../secret'));
    await assert.rejects(store.read('store/../../secret'));
    await assert.rejects(store.localCopy('../secret', parent));
    await assert.rejects(store.deletePrefix('..'), /Unsafe object key/);
    await assert.rejects(store.put('../secret', Buffer.from('overwritten')), /Unsafe object key/);
    assert.equal(await readFile(join(parent, 'secret'), 'utf8'), 'outside the store');
  });

  test('a stat of a directory is not an object', async () => {
    const store = localObjectStore(root);
    await store.put('dir/file', Buffer.from('x'));
    assert.equal(await store.stat('dir'), undefined);
    await assert.rejects(store.read('dir'), ObjectNotFoundError);
  });
});
