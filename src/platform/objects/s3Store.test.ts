import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { ConfigError, loadConfig } from '../config.ts';
import { objectStoreContract, readAll } from './contract.ts';
import { type S3StoreOptions, s3ObjectStore } from './s3Store.ts';

/**
 * The S3 store runs the ObjectStore contract against s3rver (the maintained `@20minutes/s3rver`
 * fork, pure JS), started in this process on 127.0.0.1 on a random port. S3rver knows one
 * access key pair, S3RVER / S3RVER, and refuses other access keys. It must be told to accept
 * mismatched signatures: it drops the trailing slash of bucket-level paths (`PUT /bucket/`, as
 * the AWS SDK sends CreateBucket, ListObjectsV2 and DeleteObjects) from the string it signs.
 */

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: { address: string; port: number; silent: boolean; directory: string; allowMismatchedSignatures: boolean }) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverClass;

const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let server: S3rverInstance | undefined;
let serverDir: string;
let endpoint: string;

before(async () => {
  serverDir = await mkdtemp(join(tmpdir(), 'marquee-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: serverDir, allowMismatchedSignatures: true });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;
});

after(async () => {
  await server?.close();
  await rm(serverDir, { recursive: true, force: true });
});

function adminClient(at = endpoint): S3Client {
  return new S3Client({ region: 'us-east-1', endpoint: at, forcePathStyle: true, credentials: KEYS, requestChecksumCalculation: 'WHEN_REQUIRED' });
}

async function keysIn(client: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).map((e) => `(spool) ${e.name}`);
}

/** A fresh bucket and spool directory for one test; `cleanup` empties and removes both. */
async function freshStore(at = () => endpoint, log?: Parameters<typeof s3ObjectStore>[1], tuning: Partial<S3StoreOptions> = {}) {
  const admin = adminClient();
  const bucket = `marquee-test-${randomBytes(6).toString('hex')}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  const spoolDir = await mkdtemp(join(tmpdir(), 'marquee-s3-spool-'));
  const options: S3StoreOptions = { endpoint: at(), bucket, region: 'us-east-1', ...KEYS, forcePathStyle: true, spoolDir, ...tuning };
  return {
    store: s3ObjectStore(options, log),
    bucket,
    admin,
    // Objects and spool files only: the store writes each object with one PutObject, never a multipart upload.
    listAll: async () => [...(await keysIn(admin, bucket)), ...(await filesIn(spoolDir))].sort(),
    async cleanup() {
      const keys = await keysIn(admin, bucket);
      for (let i = 0; i < keys.length; i += 1000) {
        await admin.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) } }));
      }
      await admin.send(new DeleteBucketCommand({ Bucket: bucket }));
      await rm(spoolDir, { recursive: true, force: true });
      admin.destroy();
    },
  };
}

objectStoreContract('S3 (s3rver in-process)', () => freshStore());

/**
 * A pass-through HTTP proxy in front of s3rver that can answer the next PUTs with an error
 * (after reading their whole body, as S3 does), counts PUTs in flight at once, and can drop the
 * Range header (as a server that ignores ranges would).
 *
 * It also pages ListObjectsV2 for s3rver: s3rver makes its continuation tokens with DES, which
 * OpenSSL 3 (Node >= 17) refuses, so a truncated V2 listing fails there with a 500. The proxy
 * sends a V2 listing as a V1 one (continuation token -> marker) and gives the V1 answer a
 * NextContinuationToken (its last key), which is how S3 pages a V1 listing.
 */
function testProxy(target: () => string) {
  const fresh = { failPuts: 0, failStatus: 503, failCode: 'SlowDown', puts: 0, inFlight: 0, maxInFlight: 0, putDelayMs: 0, dropRange: false, listPages: 0 };
  const state = { ...fresh };
  const proxy: Server = createServer((req, res) => {
    if (req.method !== 'PUT') return forward(req, res);
    state.puts++;
    state.inFlight++;
    res.on('close', () => state.inFlight--);
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    if (state.failPuts > 0) {
      state.failPuts--;
      req.resume();
      req.on('end', () => {
        res.writeHead(state.failStatus, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${state.failCode}</Code><Message>injected by the test proxy</Message></Error>`);
      });
      return;
    }
    setTimeout(() => forward(req, res), state.putDelayMs);
  });
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const up = new URL(target());
    const url = new URL(req.url ?? '/', up);
    const listV2 = req.method === 'GET' && url.searchParams.get('list-type') === '2';
    if (listV2) {
      state.listPages++;
      const marker = url.searchParams.get('continuation-token') ?? url.searchParams.get('start-after');
      for (const name of ['list-type', 'continuation-token', 'start-after', 'fetch-owner']) url.searchParams.delete(name);
      if (marker) url.searchParams.set('marker', marker);
    }
    const headers = { ...req.headers };
    if (state.dropRange) delete headers.range;
    const upstream = request({ host: up.hostname, port: up.port, method: req.method, path: url.pathname + url.search, headers }, (upRes) => {
      if (!listV2 || upRes.statusCode !== 200) {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        let xml = Buffer.concat(chunks).toString('utf8');
        const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
        const next = /<IsTruncated>true<\/IsTruncated>/.test(xml) && keys.length > 0 ? `<NextContinuationToken>${keys.at(-1)}</NextContinuationToken>` : '';
        xml = xml.replace('</ListBucketResult>', `<KeyCount>${keys.length}</KeyCount>${next}</ListBucketResult>`);
        const { 'content-length': _length, ...rest } = upRes.headers;
        res.writeHead(200, rest);
        res.end(xml);
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  return {
    state,
    reset(patch: Partial<typeof fresh> = {}): void {
      Object.assign(state, fresh, patch);
    },
    async start(): Promise<string> {
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

describe('s3ObjectStore', () => {
  const proxy = testProxy(() => endpoint);
  let proxyUrl: string;
  const warnings: { obj: object; msg: string }[] = [];
  const log = { warn: (obj: object, msg: string) => void warnings.push({ obj, msg }) };
  before(async () => {
    proxyUrl = await proxy.start();
  });
  after(() => proxy.close());

  const reset = (patch: Parameters<typeof proxy.reset>[0] = {}): void => {
    proxy.reset(patch);
    warnings.length = 0;
  };

  test('a streamed upload that S3 refuses for a moment is retried with the whole body, and the spool is emptied', async () => {
    reset({ failPuts: 2 });
    const t = await freshStore(() => proxyUrl, log);
    try {
      const chunks = Array.from({ length: 10 }, (_, i) => Buffer.alloc(32 * 1024, i));
      const info = await t.store.put('uploads/u3/source', Readable.from(chunks));
      assert.equal(info.size, 10 * 32 * 1024);
      assert.equal(proxy.state.puts, 3, 'two refusals, then the upload that worked');
      assert.deepEqual(await readAll(await t.store.read('uploads/u3/source')), Buffer.concat(chunks));
      assert.deepEqual(await t.listAll(), ['uploads/u3/source']);
      assert.equal(warnings.filter((w) => w.msg.includes('retrying')).length, 2);
      assert.doesNotMatch(JSON.stringify(warnings), /S3RVER/, 'no credential reaches the log');
    } finally {
      await t.cleanup();
    }
  });

  test('an upload refused for good is not retried, and leaves nothing behind', async () => {
    reset({ failPuts: 1, failStatus: 403, failCode: 'AccessDenied' });
    const t = await freshStore(() => proxyUrl, log);
    try {
      await assert.rejects(t.store.put('k', Readable.from([Buffer.from('body')])), (err: Error) => err.name === 'AccessDenied');
      assert.equal(proxy.state.puts, 1);
      assert.deepEqual(await t.listAll(), []);
    } finally {
      await t.cleanup();
    }
  });

  test('putDirectory uploads at most four files at once', async () => {
    reset({ putDelayMs: 30 });
    const t = await freshStore(() => proxyUrl);
    const dir = await mkdtemp(join(tmpdir(), 'marquee-s3-dir-'));
    try {
      for (let i = 0; i < 12; i++) await writeFile(join(dir, `seg-${i}.m4s`), Buffer.alloc(1000, i));
      assert.equal(await t.store.putDirectory('videos/v', dir), 12);
      assert.equal(proxy.state.maxInFlight, 4);
      assert.equal((await t.listAll()).length, 12);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await t.cleanup();
    }
  });

  test('putDirectory with a failing upload waits for the others before it rejects', async () => {
    reset({ putDelayMs: 20, failPuts: 1, failStatus: 403, failCode: 'AccessDenied' });
    const t = await freshStore(() => proxyUrl);
    const dir = await mkdtemp(join(tmpdir(), 'marquee-s3-dir-'));
    try {
      for (let i = 0; i < 8; i++) await writeFile(join(dir, `f${i}`), 'x');
      await assert.rejects(t.store.putDirectory('p', dir), (err: Error) => err.name === 'AccessDenied');
      assert.equal(proxy.state.inFlight, 0, 'no upload still under way');
      assert.ok(proxy.state.puts < 8, 'no new upload starts after the failure');
    } finally {
      await rm(dir, { recursive: true, force: true });
      await t.cleanup();
    }
  });

  test('deletePrefix pages through a listing longer than one page', async () => {
    reset();
    const t = await freshStore(() => proxyUrl, undefined, { listPageSize: 2 });
    try {
      for (let i = 0; i < 7; i++) await t.store.put(`v/many/seg-${i}`, Buffer.from(`${i}`));
      await t.store.put('v/many-other', Buffer.from('stays'));
      await t.store.deletePrefix('v/many');
      assert.deepEqual(await t.listAll(), ['v/many-other']);
      assert.ok(proxy.state.listPages >= 4, `listed in ${proxy.state.listPages} pages`);
    } finally {
      await t.cleanup();
    }
  });

  test('a server that ignores the Range header still gives only the bytes asked for', async () => {
    reset({ dropRange: true });
    const t = await freshStore(() => proxyUrl);
    try {
      const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
      await t.store.put('r', body);
      for (const [start, end] of [[0, 0], [5, 9], [70_000, 150_000], [199_999, 199_999]] as const) {
        assert.deepEqual(await readAll(await t.store.read('r', { start, end })), body.subarray(start, end + 1), `range ${start}-${end}`);
      }
    } finally {
      await t.cleanup();
    }
  });

  test('an unreachable endpoint fails with an error, not as a missing object', async () => {
    const store = s3ObjectStore({ endpoint: 'http://127.0.0.1:9', bucket: 'nowhere', region: 'us-east-1', ...KEYS, forcePathStyle: true, spoolDir: tmpdir() });
    await assert.rejects(store.stat('k'), (err: Error) => !(err.name === 'ObjectNotFoundError'));
  });
});

describe('S3 configuration', () => {
  const made: string[] = [];
  const dataDir = (): string => {
    const dir = join(tmpdir(), `marquee-config-${randomBytes(6).toString('hex')}`);
    made.push(dir);
    return dir;
  };
  after(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));
  const full = { S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'marquee-media', S3_ACCESS_KEY_ID: 'AKIDEXAMPLE', S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-secret' };

  test('unset: objects stay in a local directory', () => {
    assert.equal(loadConfig({ DATA_DIR: dataDir() }).s3, undefined);
  });

  test('an endpoint and a bucket with keys switch to S3, path-style by default', () => {
    const dir = dataDir();
    const s3 = loadConfig({ DATA_DIR: dir, ...full }).s3;
    assert.ok(s3);
    const { endpoint: e, bucket, region, accessKeyId, secretAccessKey, forcePathStyle, spoolDir } = s3;
    assert.deepEqual(
      { e, bucket, region, accessKeyId, secretAccessKey, forcePathStyle, spoolDir },
      { e: 'http://127.0.0.1:9000', bucket: 'marquee-media', region: 'us-east-1', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI-secret', forcePathStyle: true, spoolDir: join(dir, 'spool') },
    );
  });

  test('AWS itself (no endpoint): virtual-hosted style unless S3_FORCE_PATH_STYLE says otherwise', () => {
    const { S3_ENDPOINT: _endpoint, ...aws } = full;
    assert.equal(loadConfig({ DATA_DIR: dataDir(), ...aws, S3_REGION: 'eu-west-1' }).s3?.forcePathStyle, false);
    assert.equal(loadConfig({ DATA_DIR: dataDir(), ...aws, S3_FORCE_PATH_STYLE: 'true' }).s3?.forcePathStyle, true);
    assert.equal(loadConfig({ DATA_DIR: dataDir(), ...full, S3_FORCE_PATH_STYLE: 'false' }).s3?.forcePathStyle, false);
  });

  test('the secret key is redacted wherever the config is printed', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), ...full });
    assert.doesNotMatch(JSON.stringify(config), /wJalrXUtnFEMI/);
    assert.doesNotMatch(inspect(config, { depth: 5 }), /wJalrXUtnFEMI/);
    assert.equal(config.s3?.secretAccessKey, 'wJalrXUtnFEMI-secret', 'while the store can still read it');
  });

  const bad: { name: string; env: Record<string, string>; names: RegExp }[] = [
    { name: 'a bucket without keys', env: { S3_BUCKET: 'marquee-media' }, names: /\bS3_ACCESS_KEY_ID is required\b/ },
    { name: 'a bucket and access key without the secret', env: { S3_BUCKET: 'marquee-media', S3_ACCESS_KEY_ID: 'AKID' }, names: /\bS3_SECRET_ACCESS_KEY is required\b/ },
    { name: 'an endpoint without a bucket', env: { S3_ENDPOINT: 'http://127.0.0.1:9000' }, names: /\bS3_BUCKET is required\b.*S3_ENDPOINT/ },
    { name: 'keys without a bucket', env: { S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' }, names: /\bS3_BUCKET is required\b/ },
    { name: 'an endpoint that is not a URL', env: { ...full, S3_ENDPOINT: 'minio:9000' }, names: /\bS3_ENDPOINT\b/ },
    { name: 'an endpoint that is not http(s)', env: { ...full, S3_ENDPOINT: 'ftp://minio:9000' }, names: /\bS3_ENDPOINT\b/ },
    { name: 'a bad bucket name', env: { ...full, S3_BUCKET: 'Not_A_Bucket' }, names: /\bS3_BUCKET\b/ },
    { name: 'a bad S3_FORCE_PATH_STYLE', env: { ...full, S3_FORCE_PATH_STYLE: 'yes' }, names: /\bS3_FORCE_PATH_STYLE\b/ },
    { name: 'OBJECTS_DIR as well as S3', env: { ...full, OBJECTS_DIR: '/srv/objects' }, names: /\bOBJECTS_DIR\b/ },
    { name: 'uploads larger than one S3 upload takes', env: { ...full, UPLOAD_MAX_BYTES: String(6 * 1024 ** 3) }, names: /\bUPLOAD_MAX_BYTES\b/ },
  ];
  for (const { name, env, names } of bad) {
    test(`${name} stops start-up with one line naming the variable, and no secret`, () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: dataDir(), ...env }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
          assert.match(err.message, names);
          assert.doesNotMatch(err.message, /\n/);
          assert.doesNotMatch(err.message, /wJalrXUtnFEMI/);
          return true;
        },
      );
    });
  }
});
