import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ObjectInfo, ObjectNotFoundError, type ObjectStore, assertSafeKey } from './types.ts';

export function localObjectStore(root: string): ObjectStore {
  const pathOf = (key: string): string => {
    assertSafeKey(key);
    return join(root, key);
  };

  const statKey = async (key: string): Promise<ObjectInfo | undefined> => {
    try {
      const s = await stat(pathOf(key));
      return s.isFile() ? { size: s.size, modifiedAt: s.mtime } : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    kind: 'local',
    async put(key, body) {
      const target = pathOf(key);
      // A stream that errors before it is piped (a missing file, a dropped upload) must reject
      // this call, not crash the process with an unhandled 'error'; pipeline reports the error.
      if (!Buffer.isBuffer(body)) body.on('error', () => undefined);
      await mkdir(dirname(target), { recursive: true });
      // Write aside, then rename: readers see the old object or the whole new one.
      const temp = `${target}.${randomUUID()}.part`;
      try {
        if (Buffer.isBuffer(body)) await writeFile(temp, body);
        else await pipeline(body as Readable, createWriteStream(temp));
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      return (await statKey(key))!;
    },
    async putDirectory(prefix, localDir) {
      let count = 0;
      for (const file of await listFiles(localDir)) {
        await this.put(`${prefix}/${relative(localDir, file).split('\\').join('/')}`, createReadStream(file));
        count++;
      }
      return count;
    },
    stat: statKey,
    async read(key, range) {
      if (!(await statKey(key))) throw new ObjectNotFoundError(key);
      return createReadStream(pathOf(key), range ? { start: range.start, end: range.end } : {});
    },
    async localCopy(key) {
      if (!(await statKey(key))) throw new ObjectNotFoundError(key);
      return pathOf(key);
    },
    async deletePrefix(prefix) {
      assertSafeKey(prefix);
      await rm(join(root, prefix), { recursive: true, force: true });
    },
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve(e.isFile() ? [join(dir, e.name)] : []))),
  );
  return nested.flat().sort();
}
