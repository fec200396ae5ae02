/**
 * The behaviour every ObjectStore adapter must have. Not a test file itself: each adapter's
 * test calls `objectStoreContract` with a factory for a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ObjectNotFoundError, type ObjectStore } from './types.ts';

export interface ObjectStoreUnderTest {
  store: ObjectStore;
  /** Every name the backend holds, temporary ones included (local files, S3 keys and uploads). */
  listAll(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** A stream that yields `chunks` then fails, the way a dropped upload does. */
export function failingStream(chunks: Buffer[], error = new Error('upload connection reset')): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i < chunks.length) this.push(chunks[i++]);
      else this.destroy(error);
    },
  });
}

const UNSAFE_KEYS = ['../x', '/abs', 'a//b', '', 'a/../../b', './a', 'a/', 'a\\b', 'a\0b'];

export function objectStoreContract(name: string, makeStore: () => Promise<ObjectStoreUnderTest>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let listAll: () => Promise<string[]>;
    let cleanup: () => Promise<void>;
    let scratch: string;

    beforeEach(async () => {
      ({ store, listAll, cleanup } = await makeStore());
      scratch = await mkdtemp(join(tmpdir(), 'marquee-objects-scratch-'));
    });
    afterEach(async () => {
      await cleanup();
      await rm(scratch, { recursive: true, force: true });
    });

    test('put a Buffer, then stat and read it back', async () => {
      const body = Buffer.from('hello, marquee');
      const info = await store.put('images/title-1/poster.jpg', body);
      assert.equal(info.size, body.length);
      assert.ok(info.modifiedAt instanceof Date && !Number.isNaN(info.modifiedAt.getTime()));
      const stat = await store.stat('images/title-1/poster.jpg');
      assert.equal(stat?.size, body.length);
      assert.deepEqual(await readAll(await store.read('images/title-1/poster.jpg')), body);
    });

    test('put a stream of many chunks', async () => {
      const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(16 * 1024, i));
      const info = await store.put('videos/a/seg-1.m4s', Readable.from(chunks));
      const whole = Buffer.concat(chunks);
      assert.equal(info.size, whole.length);
      assert.equal((await store.stat('videos/a/seg-1.m4s'))?.size, whole.length);
      assert.deepEqual(await readAll(await store.read('videos/a/seg-1.m4s')), whole);
    });

    test('put replaces an existing object', async () => {
      await store.put('k', Buffer.from('first version, longer'));
      await store.put('k', Buffer.from('second'));
      assert.equal((await readAll(await store.read('k'))).toString(), 'second');
      assert.equal((await store.stat('k'))?.size, 6);
    });

    test('read a byte range, inclusive of both ends', async () => {
      await store.put('r', Buffer.from('0123456789'));
      const cases: [number, number, string][] = [
        [2, 5, '2345'],
        [0, 0, '0'],
        [9, 9, '9'],
        [0, 9, '0123456789'],
      ];
      for (const [start, end, want] of cases) {
        assert.equal((await readAll(await store.read('r', { start, end }))).toString(), want, `range ${start}-${end}`);
      }
    });

    test('a missing key: stat is undefined, read and localCopy throw ObjectNotFoundError', async () => {
      await store.put('present/a', Buffer.from('x'));
      assert.equal(await store.stat('absent'), undefined);
      assert.equal(await store.stat('present'), undefined, 'a prefix is not an object');
      await assert.rejects(store.read('absent'), ObjectNotFoundError);
      await assert.rejects(store.read('absent', { start: 0, end: 1 }), ObjectNotFoundError);
      await assert.rejects(store.localCopy('absent', scratch), ObjectNotFoundError);
    });

    test('localCopy gives a local file with the object bytes', async () => {
      const body = Buffer.from('source video bytes');
      await store.put('uploads/u1/source', body);
      const path = await store.localCopy('uploads/u1/source', scratch);
      assert.deepEqual(await readFile(path), body);
    });

    test('putDirectory copies every nested file under the prefix', async () => {
      const dir = join(scratch, 'out');
      await mkdir(join(dir, 'video', '720p'), { recursive: true });
      await writeFile(join(dir, 'manifest.mpd'), '<MPD/>');
      await writeFile(join(dir, 'video', 'init.mp4'), Buffer.from([0, 1, 2]));
      await writeFile(join(dir, 'video', '720p', 'seg-1.m4s'), Buffer.alloc(5000, 7));
      assert.equal(await store.putDirectory('videos/asset-9', dir), 3);
      assert.equal((await readAll(await store.read('videos/asset-9/manifest.mpd'))).toString(), '<MPD/>');
      assert.deepEqual(await readAll(await store.read('videos/asset-9/video/init.mp4')), Buffer.from([0, 1, 2]));
      assert.deepEqual(await readAll(await store.read('videos/asset-9/video/720p/seg-1.m4s')), Buffer.alloc(5000, 7));
      assert.equal(await store.stat('videos/asset-9/out/manifest.mpd'), undefined, 'the local directory name is not part of the key');
    });

    test('deletePrefix removes the objects below a prefix and nothing else', async () => {
      for (const key of ['v/1/a', 'v/1/sub/b', 'v/10/c', 'w/a', 'v/1x']) await store.put(key, Buffer.from(key));
      await store.deletePrefix('v/1');
      assert.equal(await store.stat('v/1/a'), undefined);
      assert.equal(await store.stat('v/1/sub/b'), undefined);
      for (const key of ['v/10/c', 'w/a', 'v/1x']) assert.equal((await readAll(await store.read(key))).toString(), key, `${key} survives`);
      await store.deletePrefix('never/existed');
    });

    test('unsafe keys are rejected and nothing is written', async () => {
      const dir = join(scratch, 'd');
      await mkdir(dir);
      await writeFile(join(dir, 'f'), 'x');
      for (const key of UNSAFE_KEYS) {
        await assert.rejects(store.put(key, Buffer.from('x')), /Unsafe object key/, `put ${JSON.stringify(key)}`);
        await assert.rejects(store.put(key, Readable.from([Buffer.from('x')])), /Unsafe object key/, `put stream ${JSON.stringify(key)}`);
        await assert.rejects(store.deletePrefix(key), /Unsafe object key/, `deletePrefix ${JSON.stringify(key)}`);
        await assert.rejects(store.read(key), `read ${JSON.stringify(key)}`);
        await assert.rejects(store.localCopy(key, scratch), `localCopy ${JSON.stringify(key)}`);
        assert.equal(await store.stat(key).catch(() => undefined), undefined, `stat ${JSON.stringify(key)}`);
      }
      for (const prefix of ['../escape', '/abs', '', 'a//b']) {
        await assert.rejects(store.putDirectory(prefix, dir), /Unsafe object key/, `putDirectory ${JSON.stringify(prefix)}`);
      }
      assert.deepEqual(await listAll(), []);
    });

    test('a stream that fails midway leaves no object and no temporary file', async () => {
      const chunks = Array.from({ length: 8 }, () => Buffer.alloc(64 * 1024, 1));
      await assert.rejects(store.put('uploads/u2/source', failingStream(chunks)), /upload connection reset/);
      assert.equal(await store.stat('uploads/u2/source'), undefined);
      await assert.rejects(store.read('uploads/u2/source'), ObjectNotFoundError);
      assert.deepEqual(await listAll(), []);
    });

    test('a failed put keeps the previous version of the object whole', async () => {
      await store.put('k', Buffer.from('the good version'));
      await assert.rejects(store.put('k', failingStream([Buffer.from('half of the new')])), /upload connection reset/);
      assert.equal((await readAll(await store.read('k'))).toString(), 'the good version');
      assert.deepEqual(await listAll(), ['k']);
    });

    test('a stream that fails before it is read rejects the put', async () => {
      const early = new Readable({ read() {} });
      const put = store.put('early', early);
      early.destroy(new Error('gone before the first byte'));
      await assert.rejects(put, /gone before the first byte/);
      assert.equal(await store.stat('early'), undefined);
      assert.deepEqual(await listAll(), []);
    });
  });
}
