import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DiskCache, decodeEntry, encodeEntry, readHeader } from './diskCache.ts';

const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'marquee-disk-'));
  dirs.push(d);
  return d;
};
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('entry format', () => {
  const body = Buffer.from('segment bytes');
  const file = encodeEntry('asset/seg-1.m4s', body);
  const flipped = Buffer.from(file);
  flipped[flipped.length - 1]! ^= 1;
  const cases: { name: string; file: Buffer; key: string; want: Buffer | undefined }[] = [
    { name: 'intact file for its key', file, key: 'asset/seg-1.m4s', want: body },
    { name: 'another key (hash collision or moved file)', file, key: 'asset/seg-2.m4s', want: undefined },
    { name: 'truncated (partial write)', file: file.subarray(0, file.length - 3), key: 'asset/seg-1.m4s', want: undefined },
    { name: 'a flipped body bit', file: flipped, key: 'asset/seg-1.m4s', want: undefined },
    { name: 'not ours', file: Buffer.from('hello world, this is not a cache entry'), key: 'asset/seg-1.m4s', want: undefined },
    { name: 'empty', file: Buffer.alloc(0), key: 'asset/seg-1.m4s', want: undefined },
  ];
  for (const c of cases) test(`decodeEntry: ${c.name}`, () => assert.deepEqual(decodeEntry(c.file, c.key), c.want));
  test('readHeader insists on the exact file length', () => {
    assert.equal(readHeader(file, file.length)?.key, 'asset/seg-1.m4s');
    assert.equal(readHeader(file, file.length + 1), undefined);
  });
});

describe('DiskCache', () => {
  test('stores, bounds its bytes (LRU), and survives a reopen', async () => {
    const dir = await tempDir();
    const one = encodeEntry('a', Buffer.alloc(100)).length;
    const disk = await DiskCache.open(dir, one * 3);
    for (const k of ['a', 'b', 'c']) await disk.put(k, Buffer.alloc(100, k));
    assert.ok(await disk.get('a')); // a becomes most recent
    await disk.put('d', Buffer.alloc(100, 'd'));
    assert.equal(disk.has('b'), false, 'least recently used left');
    assert.deepEqual(disk.stats(), { entries: 3, bytes: one * 3, capacityBytes: one * 3 });
    await new Promise((r) => setTimeout(r, 20));
    const files = (await Promise.all((await readdir(dir)).map((d) => readdir(join(dir, d))))).flat();
    assert.equal(files.length, 3, 'the evicted file is deleted');

    const reopened = await DiskCache.open(dir, one * 3);
    assert.deepEqual(reopened.stats().entries, 3);
    assert.deepEqual(await reopened.get('d'), Buffer.alloc(100, 'd'));
    assert.equal(await reopened.get('b'), undefined);
  });

  test('a reopen with less room keeps the most recently written objects', async () => {
    const dir = await tempDir();
    const disk = await DiskCache.open(dir, 10_000);
    for (const k of ['old', 'mid', 'new']) {
      await disk.put(k, Buffer.alloc(100));
      await new Promise((r) => setTimeout(r, 15));
    }
    const small = await DiskCache.open(dir, encodeEntry('new', Buffer.alloc(100)).length * 2);
    assert.deepEqual([small.has('old'), small.has('mid'), small.has('new')], [false, true, true]);
  });

  test('with tinylfu admission, a one-off object does not push out one asked for again', async () => {
    const dir = await tempDir();
    const one = encodeEntry('a', Buffer.alloc(100)).length;
    const disk = await DiskCache.open(dir, one * 2, {}, 'tinylfu');
    for (const k of ['a', 'b']) {
      await disk.get(k); // the miss that leads to the fill
      await disk.put(k, Buffer.alloc(100, k));
    }
    await disk.get('a');
    await disk.get('b');
    await disk.put('once', Buffer.alloc(100, 'o'));
    assert.deepEqual([disk.has('a'), disk.has('b'), disk.has('once')], [true, true, false]);
    const files = (await Promise.all((await readdir(dir)).map((d) => readdir(join(dir, d))))).flat();
    assert.equal(files.length, 2, 'the refused object was never written');
  });

  test('partial, corrupt and leftover temporary files are never served', async () => {
    const dir = await tempDir();
    const disk = await DiskCache.open(dir, 1_000_000);
    for (const k of ['whole', 'cut', 'rotten']) await disk.put(k, Buffer.alloc(500, k));
    await truncate(disk.pathOf('cut'), 200);
    const rotten = await readFile(disk.pathOf('rotten'));
    rotten[rotten.length - 10]! ^= 0xff;
    await writeFile(disk.pathOf('rotten'), rotten);
    await writeFile(`${disk.pathOf('whole')}.tmp-abc`, 'half a write');

    const corrupt: string[] = [];
    const reopened = await DiskCache.open(dir, 1_000_000, { corrupt: (k) => corrupt.push(k) });
    assert.equal(reopened.has('cut'), false, 'a short file is dropped at scan');
    assert.deepEqual(await reopened.get('whole'), Buffer.alloc(500, 'whole'));
    assert.equal(await reopened.get('rotten'), undefined, 'a checksum mismatch is dropped at read');
    assert.deepEqual(corrupt, ['rotten']);
    assert.equal(reopened.has('rotten'), false);
    const left = (await Promise.all((await readdir(dir)).map((d) => readdir(join(dir, d))))).flat();
    assert.equal(left.length, 1, left.join(','));
  });
});
