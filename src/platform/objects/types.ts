import type { Readable } from 'node:stream';

export interface ObjectInfo {
  size: number;
  modifiedAt: Date;
}

/** Where video and image objects live: a local directory by default, S3-compatible at scale. */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /** Writes the whole object; a reader never sees a half-written object. */
  put(key: string, body: Readable | Buffer): Promise<ObjectInfo>;
  /** Copies every file below `localDir` to `prefix/…`. */
  putDirectory(prefix: string, localDir: string): Promise<number>;
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Reads bytes `start..end` inclusive when a range is given. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Makes the object available as a local file (for ffmpeg), returning its path. */
  localCopy(key: string, scratchDir: string): Promise<string>;
  deletePrefix(prefix: string): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(key: string) {
    super(`No object ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

/** Keys are relative, slash-separated, with no `..` segments: a key never escapes its store. */
export function assertSafeKey(key: string): void {
  if (key.length === 0 || key.startsWith('/') || key.split('/').some((s) => s === '..' || s === '' || s === '.') || key.includes('\\') || key.includes('\0')) {
    throw new Error(`Unsafe object key: ${JSON.stringify(key)}`);
  }
}
