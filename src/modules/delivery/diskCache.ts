/**
 * The edge's disk tier. Each object is one file holding a small header (key, body length, CRC-32)
 * and the body; files are written to a temporary name and renamed, so a reader sees a whole file
 * or none, and the header lets a restart rebuild the index by scanning the directory. A file whose
 * length or checksum does not match (a crash, a bad disk) is deleted, never served.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { type Admission, ByteCache } from './cachePolicy.ts';

const MAGIC = Buffer.from('MQE1');
const FIXED = MAGIC.length + 2 + 4 + 4;
const MAX_KEY = 4096;
const TMP_MARK = '.tmp-';

/** What precedes the body in an entry's file: magic, lengths, the body's CRC-32, the key. */
export function entryHeader(key: string, body: Buffer): Buffer {
  const k = Buffer.from(key, 'utf8');
  if (k.length > MAX_KEY) throw new Error('cache key too long');
  const head = Buffer.alloc(FIXED + k.length);
  MAGIC.copy(head, 0);
  head.writeUInt16BE(k.length, 4);
  head.writeUInt32BE(body.length, 6);
  head.writeUInt32BE(crc32(body), 10);
  k.copy(head, FIXED);
  return head;
}

export function encodeEntry(key: string, body: Buffer): Buffer {
  return Buffer.concat([entryHeader(key, body), body]);
}

/** What the header promises, if it is one of ours and the file has exactly that length. */
export function readHeader(head: Buffer, fileSize: number): { key: string; bodyOffset: number; bodyLength: number; crc: number } | undefined {
  if (head.length < FIXED || !head.subarray(0, 4).equals(MAGIC)) return undefined;
  const keyLength = head.readUInt16BE(4);
  const bodyLength = head.readUInt32BE(6);
  const bodyOffset = FIXED + keyLength;
  if (keyLength > MAX_KEY || head.length < bodyOffset || fileSize !== bodyOffset + bodyLength) return undefined;
  return { key: head.subarray(FIXED, bodyOffset).toString('utf8'), bodyOffset, bodyLength, crc: head.readUInt32BE(10) };
}

/** The body, only if the whole file is intact and belongs to `key`. */
export function decodeEntry(file: Buffer, key: string): Buffer | undefined {
  const h = readHeader(file, file.length);
  if (!h || h.key !== key) return undefined;
  const body = file.subarray(h.bodyOffset);
  return crc32(body) === h.crc ? body : undefined;
}

const fileName = (key: string): string => createHash('sha256').update(key).digest('hex');

export interface DiskCacheEvents {
  evicted?(count: number): void;
  corrupt?(key: string): void;
}

export class DiskCache {
  /** Which objects are on disk, least recently used first; values are unused. */
  private readonly index: ByteCache<true>;
  private readonly writes = new Set<Promise<void>>();
  /** Subdirectories known to exist, so a write costs no mkdir. */
  private readonly made = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly capacityBytes: number,
    private readonly events: DiskCacheEvents,
    admission: Admission,
  ) {
    this.index = new ByteCache<true>(capacityBytes, admission);
  }

  /** Where `key` lives on disk. */
  pathOf(key: string): string {
    const name = fileName(key);
    return join(this.dir, name.slice(0, 2), name);
  }

  /**
   * Opens (creating) the directory and indexes the objects a previous run left there. With
   * `tinylfu`, a full disk takes a newcomer only if it was asked of this tier more often than what
   * it would push out (the edge's memory tier is small; without it every one-off fill would flush
   * the disk's hot set).
   */
  static async open(dir: string, capacityBytes: number, events: DiskCacheEvents = {}, admission: Admission = 'lru'): Promise<DiskCache> {
    const cache = new DiskCache(dir, capacityBytes, events, admission);
    await mkdir(dir, { recursive: true });
    const found: { key: string; size: number; mtimeMs: number; path: string }[] = [];
    for (const sub of await readdir(dir)) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const name of await readdir(join(dir, sub))) {
        const path = join(dir, sub, name);
        // A temporary file is a write that never finished.
        if (name.includes(TMP_MARK)) {
          await rm(path, { force: true });
          continue;
        }
        const entry = await cache.scan(path);
        if (entry && cache.pathOf(entry.key) === path) found.push({ ...entry, path });
        else await rm(path, { force: true });
      }
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const f of found) cache.remember(f.key, f.size);
    return cache;
  }

  private async scan(path: string): Promise<{ key: string; size: number; mtimeMs: number } | undefined> {
    const fh = await open(path, 'r');
    try {
      const info = await fh.stat();
      const head = Buffer.alloc(Math.min(info.size, FIXED + MAX_KEY));
      await fh.read(head, 0, head.length, 0);
      const h = readHeader(head, info.size);
      return h ? { key: h.key, size: info.size, mtimeMs: info.mtimeMs } : undefined;
    } finally {
      await fh.close();
    }
  }

  private remember(key: string, size: number): boolean {
    const { admitted, evicted } = this.index.set(key, true, size);
    for (const k of evicted) void unlink(this.pathOf(k)).catch(() => undefined);
    if (evicted.length) this.events.evicted?.(evicted.length);
    return admitted;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  keys(): string[] {
    return this.index.keys();
  }

  /** The object, or undefined when absent or damaged (then it is dropped). */
  async get(key: string): Promise<Buffer | undefined> {
    if (!this.index.get(key)) return undefined;
    let file: Buffer;
    try {
      file = await readFile(this.pathOf(key));
    } catch {
      this.index.delete(key);
      return undefined;
    }
    const body = decodeEntry(file, key);
    if (!body) {
      this.index.delete(key);
      this.events.corrupt?.(key);
      await rm(this.pathOf(key), { force: true });
    }
    return body;
  }

  /** Stores an object: written whole under a temporary name, then renamed into place. */
  put(key: string, body: Buffer): Promise<void> {
    const p = (async () => {
      // Admission first: a refused object costs no checksum. Header and body then go out in one
      // writev, with no copy of the body into a joined buffer.
      const size = FIXED + Buffer.byteLength(key, 'utf8') + body.length;
      if (!this.index.admits(key, size)) return;
      const head = entryHeader(key, body);
      const path = this.pathOf(key);
      const tmp = `${path}${TMP_MARK}${randomBytes(6).toString('hex')}`;
      const sub = join(this.dir, fileName(key).slice(0, 2));
      try {
        if (!this.made.has(sub)) {
          await mkdir(sub, { recursive: true });
          this.made.add(sub);
        }
        const fh = await open(tmp, 'w');
        try {
          const { bytesWritten } = await fh.writev([head, body]);
          if (bytesWritten !== size) throw new Error('short write');
        } finally {
          await fh.close();
        }
        await rename(tmp, path);
      } catch {
        this.made.delete(sub);
        await rm(tmp, { force: true });
        return;
      }
      if (!this.remember(key, size)) await rm(path, { force: true });
    })();
    this.writes.add(p);
    void p.finally(() => this.writes.delete(p));
    return p;
  }

  /** Waits for writes in flight (on shutdown, so a restart finds them). */
  async flush(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  stats(): { entries: number; bytes: number; capacityBytes: number } {
    return this.index.stats();
  }
}
