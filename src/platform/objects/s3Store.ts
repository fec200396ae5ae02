import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { type ObjectInfo, ObjectNotFoundError, type ObjectStore, assertSafeKey } from './types.ts';

export interface S3StoreOptions {
  /** An S3-compatible endpoint (MinIO, Ceph, R2, …); unset for AWS itself. */
  readonly endpoint: string | undefined;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `endpoint/bucket/key` URLs instead of `bucket.endpoint/key`; most S3-compatible servers want it. */
  readonly forcePathStyle: boolean;
  /** A local directory where a streamed body is written in full before it is uploaded. */
  readonly spoolDir: string;
  /** Files uploaded at once by putDirectory (default 4). */
  readonly uploadConcurrency?: number;
  /** Keys listed per ListObjectsV2 page by deletePrefix (default and S3's maximum 1000). */
  readonly listPageSize?: number;
}

/** Where the store reports trouble it recovers from (retries); secrets are never passed to it. */
export interface S3StoreLog {
  warn(obj: object, msg: string): void;
}

/** A single PutObject takes at most 5 GiB. */
export const S3_MAX_PUT_BYTES = 5 * 1024 ** 3;
const UPLOAD_ATTEMPTS = 3;
const DELETE_BATCH = 1000;

/**
 * An ObjectStore on an S3-compatible bucket. Objects are written with one PutObject, which S3
 * makes visible atomically: a reader sees the previous object or the whole new one. A streamed
 * body is first written to a file in `spoolDir` (so its length is known, a failed stream uploads
 * nothing, and a failed upload can be retried from the file) and removed afterwards.
 */
export function s3ObjectStore(options: S3StoreOptions, log?: S3StoreLog): ObjectStore {
  const { bucket, spoolDir } = options;
  const concurrency = options.uploadConcurrency ?? 4;
  const pageSize = Math.min(options.listPageSize ?? DELETE_BATCH, DELETE_BATCH);
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // The SDK's default CRC32 checksums (aws-chunked bodies with trailers for streams) are not
    // understood by every S3-compatible server; uploads carry Content-MD5 instead, which S3
    // and the compatible servers check against the body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Fail fast on an unreachable endpoint; give up on a connection idle for two minutes.
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
    logger: sdkLogger(log),
  });

  /** Uploads a local file, retrying transient failures with a fresh stream each time. */
  const putFile = async (key: string, path: string, size: number, md5: string): Promise<void> => {
    if (size > S3_MAX_PUT_BYTES) throw new Error(`Object ${key} is ${size} bytes; a single S3 upload takes at most ${S3_MAX_PUT_BYTES} bytes`);
    for (let attempt = 1; ; attempt++) {
      const body = createReadStream(path);
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: size, ContentMD5: md5 }));
        return;
      } catch (err) {
        if (attempt >= UPLOAD_ATTEMPTS || !isTransient(err)) throw err;
        log?.warn({ key, attempt, err: describe(err) }, 'S3 upload failed; retrying');
        await sleep(200 * 2 ** attempt * (0.5 + Math.random()));
      } finally {
        body.destroy();
      }
    }
  };

  const statKey = async (key: string): Promise<ObjectInfo | undefined> => {
    assertSafeKey(key);
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date() };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  const getObject = async (key: string, range?: { start: number; end: number }): Promise<Readable> => {
    assertSafeKey(key);
    if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.end >= range.start)) {
      throw new RangeError(`Invalid byte range ${range.start}-${range.end}`);
    }
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
      if (!(out.Body instanceof Readable)) throw new Error(`S3 returned no body for ${key}`);
      return range ? exactRange(out.Body, range, out.ContentRange, key) : out.Body;
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(key);
      throw err;
    }
  };

  return {
    kind: 's3',

    async put(key, body) {
      assertSafeKey(key);
      if (Buffer.isBuffer(body)) {
        if (body.length > S3_MAX_PUT_BYTES) throw new Error(`Object ${key} is ${body.length} bytes; a single S3 upload takes at most ${S3_MAX_PUT_BYTES} bytes`);
        // A Buffer body can be resent, so the SDK's own retries apply.
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ContentMD5: md5Of(body) }));
        return { size: body.length, modifiedAt: new Date() };
      }
      // A stream that errors before it is piped must reject this call, not crash the process.
      body.on('error', () => undefined);
      await mkdir(spoolDir, { recursive: true });
      const spool = join(spoolDir, `${randomUUID()}.part`);
      // Opened before the stream is read: a stream opening its own file could create it after a
      // failed body has already had the spool removed.
      const file = await open(spool, 'w');
      try {
        const hash = createHash('md5');
        let size = 0;
        await pipeline(
          body,
          async function* (source: AsyncIterable<Buffer | string>) {
            for await (const chunk of source) {
              const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
              hash.update(bytes);
              size += bytes.length;
              yield bytes;
            }
          },
          file.createWriteStream(),
        );
        await putFile(key, spool, size, hash.digest('base64'));
        return { size, modifiedAt: new Date() };
      } finally {
        await file.close().catch(() => undefined);
        await rm(spool, { force: true });
      }
    },

    async putDirectory(prefix, localDir) {
      assertSafeKey(prefix);
      const files = (await listFiles(localDir)).map((path) => ({ path, key: `${prefix}/${relative(localDir, path).split('\\').join('/')}` }));
      for (const { key } of files) assertSafeKey(key); // every key is checked before anything is written
      await eachLimit(files, concurrency, async ({ path, key }) => {
        const [{ size }, md5] = await Promise.all([stat(path), md5OfFile(path)]);
        await putFile(key, path, size, md5);
      });
      return files.length;
    },

    stat: statKey,

    read: getObject,

    async localCopy(key, scratchDir) {
      await mkdir(scratchDir, { recursive: true });
      const body = await getObject(key);
      // The key's last segment is kept (ffmpeg may look at the extension), made unique.
      const target = join(scratchDir, `${randomUUID().slice(0, 8)}-${basename(key)}`);
      const partial = `${target}.part`;
      try {
        await pipeline(body, createWriteStream(partial));
        await rename(partial, target);
      } catch (err) {
        body.destroy();
        await rm(partial, { force: true });
        throw err;
      }
      return target;
    },

    async deletePrefix(prefix) {
      assertSafeKey(prefix);
      let token: string | undefined;
      do {
        // A page holds at most 1000 keys, as many as one DeleteObjects takes.
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token, MaxKeys: pageSize }));
        const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
        if (keys.length > 0) {
          const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
          const failed = out.Errors ?? [];
          if (failed.length > 0) {
            const first = failed[0]!;
            throw new Error(`S3 could not delete ${failed.length} object(s) under ${prefix}/, first ${first.Key}: ${first.Code ?? 'error'} ${first.Message ?? ''}`.trim());
          }
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
  };
}

/**
 * The bytes `range` asks for. A server that ignores a Range (200, the whole object) or widens it
 * (s3rver answers `bytes=0-0` with the whole object) sends more: skip and cut to the range.
 */
function exactRange(body: Readable, range: { start: number; end: number }, contentRange: string | undefined, key: string): Readable {
  const sent = contentRange ? /^bytes (\d+)-(\d+)\/(?:\d+|\*)$/.exec(contentRange) : null;
  const first = sent ? Number(sent[1]) : 0;
  const last = sent ? Number(sent[2]) : Infinity;
  if (first === range.start && last <= range.end) return body; // as asked (S3 clamps `end` to the last byte)
  if (first > range.start) {
    body.destroy();
    throw new Error(`S3 sent bytes ${contentRange ?? '(unknown)'} of ${key} for a request of bytes ${range.start}-${range.end}`);
  }
  async function* trimmed(): AsyncGenerator<Buffer> {
    let skip = range.start - first;
    let remaining = range.end - range.start + 1;
    try {
      for await (const chunk of body) {
        let bytes = chunk as Buffer;
        if (skip >= bytes.length) {
          skip -= bytes.length;
          continue;
        }
        bytes = bytes.subarray(skip);
        skip = 0;
        if (bytes.length >= remaining) {
          yield bytes.subarray(0, remaining);
          return;
        }
        remaining -= bytes.length;
        yield bytes;
      }
    } finally {
      body.destroy();
    }
  }
  return Readable.from(trimmed(), { objectMode: false });
}

function md5Of(body: Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('base64');
}

/** Runs `fn` over `items`, at most `limit` at once; after a failure it starts no more, waits for
 *  those under way (so a caller's clean-up does not race them) and rethrows the first error. */
async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve(e.isFile() ? [join(dir, e.name)] : []))),
  );
  return nested.flat().sort();
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

function isNotFound(err: unknown): boolean {
  const e = err as SdkErrorShape | undefined;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'SlowDown', 'InternalError', 'ServiceUnavailable', 'ThrottlingException']);

function isTransient(err: unknown): boolean {
  const e = err as SdkErrorShape | undefined;
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  return Boolean(e?.$retryable) || TRANSIENT_CODES.has(e?.code ?? '') || TRANSIENT_NAMES.has(e?.name ?? '');
}

function describe(err: unknown): string {
  const e = err as SdkErrorShape | undefined;
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
}

/** Given a logger, the SDK logs every call at info and every failed call at error (the callers
 *  get those errors anyway); without one it warns on the console. Keep only its warnings, in our log. */
function sdkLogger(log: S3StoreLog | undefined) {
  const noop = (): void => undefined;
  const forward = (...content: unknown[]): void => log?.warn({ sdk: content.map((c) => (typeof c === 'string' ? c : describe(c))) }, 'S3 client warning');
  return { trace: noop, debug: noop, info: noop, warn: forward, error: noop };
}
