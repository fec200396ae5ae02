/**
 * bench:edge: one Marquee edge (`marquee edge`, memory + disk tiers) against stock nginx as an edge
 * (`marquee nginx-config`: proxy_cache + secure_link), serving the same synthetic segments on the
 * same machine to many keep-alive clients. Titles are requested with Zipf popularity; within a title,
 * viewers drop off, so early segments are asked for more. Both caches hold 20% of the catalog's
 * bytes, are warmed with the same stream, then timed on the same second stream: throughput (Gbit/s),
 * p99 time to first byte, and hit ratio. The same streams replayed through a plain LRU of the same
 * byte capacity give the baseline hit ratio.
 * A tiny origin (its own process) makes each segment's bytes from its name, so no files are stored.
 * Usage: npm run bench:edge [-- --json] [--titles 200] [--segments 20] [--requests 20000]
 *        [--warm 10000] [--connections 64] [--zipf 0.9] [--cpu-prof DIR (profile of the edge)]
 *        [--baseline CHECKOUT (also runs that checkout's edge, side by side with this one: both get
 *        the same streams at the same time, so a busy machine weighs on both alike)]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ByteCache } from '../src/modules/delivery/index.ts';
import { mediaPathPrefix, nginxMediaPathPrefix } from '../src/modules/playback/index.ts';
import { freePort, nginxBinary, startNginxEdge } from '../test/support/nginx.ts';
import { percentile } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    titles: { type: 'string', default: '200' },
    segments: { type: 'string', default: '20' },
    requests: { type: 'string', default: '20000' },
    warm: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '64' },
    zipf: { type: 'string', default: '0.9' },
    /** Writes a CPU profile of the edge process into this directory. */
    'cpu-prof': { type: 'string' },
    baseline: { type: 'string' },
    'serve-origin': { type: 'string' },
  },
});
const TITLES = Number(args.titles);
const SEGMENTS = Number(args.segments);
const CONNECTIONS = Number(args.connections);
/** Chance a viewer goes on to the next segment. */
const KEEP_WATCHING = 0.9;
const SECRET = 'bench-edge-secret-0123456789abcdefghijklmnop';
const SESSIONS = 16;

/** Segment sizes between 50 and 400 kB (a 2-4 s segment of a low-to-mid rung), fixed per name. */
const segmentBytes = (title: number, segment: number): number => 50_000 + ((title * 7919 + segment * 104_729) % 350_000);
const segmentFile = (segment: number): string => `v0/seg-${String(segment).padStart(4, '0')}.m4s`;

/** mulberry32: the same stream on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Ask {
  title: number;
  segment: number;
  session: number;
  bytes: number;
}

function requestStream(n: number, seed: number): Ask[] {
  const next = random(seed);
  const weights = Array.from({ length: TITLES }, (_, i) => 1 / (i + 1) ** Number(args.zipf));
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  const cdf = weights.map((w) => (acc += w / total));
  return Array.from({ length: n }, () => {
    const u = next();
    let lo = 0;
    let hi = TITLES - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    let segment = 0;
    while (segment < SEGMENTS - 1 && next() < KEEP_WATCHING) segment += 1;
    return { title: lo, segment, session: Math.floor(next() * SESSIONS), bytes: segmentBytes(lo, segment) };
  });
}

/** Hit ratio of `measured` through a plain LRU of `capacity` bytes, after `warm`. */
function lruHitRatio(warm: Ask[], measured: Ask[], capacity: number): number {
  const lru = new ByteCache<true>(capacity, 'lru');
  const ask = (a: Ask): boolean => {
    const key = `${a.title}/${a.segment}`;
    if (lru.get(key)) return true;
    lru.set(key, true, a.bytes);
    return false;
  };
  warm.forEach(ask);
  return measured.filter(ask).length / measured.length;
}

/** The origin: answers any media path with bytes made from the file's name (no signature check: the edges did it). */
async function serveOrigin(port: number): Promise<void> {
  const pool = randomBytes(1 << 20);
  const server = createServer((req, res) => {
    const m = /^\/media\/[^/]+\/t(\d+)\/v0\/seg-(\d+)\.m4s$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    const title = Number(m[1]);
    const segment = Number(m[2]);
    const size = segmentBytes(title, segment);
    const start = (title * 131 + segment * 4099) % (pool.length - size);
    res.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': size, 'cache-control': 'private, max-age=86400' });
    res.end(pool.subarray(start, start + size));
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  process.stdout.write('ready\n');
}

async function startChild(cmd: string[], env: Record<string, string>): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, cmd, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`${cmd.join(' ')} exited with ${code}`)));
  });
  return { child, line };
}

/** CPU seconds (user + system) used so far by a process and its direct children (nginx's workers), from /proc. */
function cpuSeconds(pid: number): number {
  const own = (p: number) => {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    // After "pid (comm) ", field 3 is first: utime and stime are fields 14 and 15, in clock ticks (100 a second on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return own(pid) + children.reduce((sum, c) => sum + own(c), 0);
}

/** Bytes of the files under `dir`. */
const bytesUnder = (dir: string): number =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).reduce((sum, f) => {
    // nginx's cache manager may delete a file between the listing and its stat.
    const info = statSync(join(dir, f), { throwIfNoEntry: false });
    return sum + (info?.isFile() ? info.size : 0);
  }, 0);

/** `drive`, with the CPU time the server and the origin spent on it. */
async function measure(serverPid: number, originPid: number, base: string, paths: string[], hitHeader: string): Promise<RunResult> {
  const server0 = cpuSeconds(serverPid);
  const origin0 = cpuSeconds(originPid);
  const r = await drive(base, paths, hitHeader);
  return { ...r, cpuMsPerRequest: ((cpuSeconds(serverPid) - server0) * 1000) / paths.length, originCpuMsPerRequest: ((cpuSeconds(originPid) - origin0) * 1000) / paths.length };
}

interface RunResult {
  gbps: number;
  /** CPU of the server (all its processes) per timed request, and of the origin behind it. */
  cpuMsPerRequest?: number;
  originCpuMsPerRequest?: number;
  p99TtfbMs: number;
  p50TtfbMs: number;
  hitRatio: number;
  errors: number;
}

/** Sends `stream` over `CONNECTIONS` keep-alive connections, each taking the next request when its last one finished. */
async function drive(base: string, paths: string[], hitHeader: string): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const url = new URL(base);
  const ttfb: number[] = [];
  let next = 0;
  let bytes = 0;
  let hits = 0;
  let errors = 0;
  const one = (path: string) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request({ host: url.hostname, port: url.port, path, agent }, (res) => {
        ttfb.push(performance.now() - t0);
        if (res.statusCode !== 200) errors += 1;
        if (res.headers[hitHeader] === 'HIT') hits += 1;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', resolve);
        res.on('error', () => resolve());
      });
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let i = next++; i < paths.length; i = next++) await one(paths[i]!);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { gbps: (bytes * 8) / seconds / 1e9, p99TtfbMs: percentile(ttfb, 99), p50TtfbMs: percentile(ttfb, 50), hitRatio: hits / paths.length, errors };
}

async function main(): Promise<void> {
  const expiresAtSec = Math.floor(Date.now() / 1000) + 86_400;
  const path = (form: typeof mediaPathPrefix) => (a: Ask) => `${form(SECRET, { playbackId: `bench-${a.session}`, assetId: `t${a.title}`, expiresAtSec })}/${segmentFile(a.segment)}`;
  const warm = requestStream(Number(args.warm), 1);
  const measured = requestStream(Number(args.requests), 2);
  let catalogBytes = 0;
  for (let t = 0; t < TITLES; t++) for (let s = 0; s < SEGMENTS; s++) catalogBytes += segmentBytes(t, s);
  const capacity = Math.floor(catalogBytes * 0.2);
  if (!nginxBinary()) throw new Error('nginx is not installed (apt-get install nginx-light)');

  const dir = mkdtempSync(join(tmpdir(), 'marquee-bench-edge-'));
  const children: ChildProcess[] = [];
  let nginx: Awaited<ReturnType<typeof startNginxEdge>> | undefined;
  try {
    const originPort = await freePort();
    const originProc = (await startChild(['--import', 'tsx', import.meta.filename, '--serve-origin', String(originPort)], {})).child;
    children.push(originProc);
    const origin = `http://127.0.0.1:${originPort}`;
    const startEdge = async (checkout: string, name: string, profile: string[]) => {
      const p = await startChild([...profile, join(checkout, 'bin/marquee.js'), 'edge', '--region', 'bench', '--capacity', String(capacity), '--origin', origin, '--port', String(await freePort()), '--disk-dir', join(dir, `${name}-disk`), '--steering', origin, '--heartbeat-ms', '600000'], {
        URL_SIGNING_SECRET: SECRET,
        DATA_DIR: join(dir, `${name}-data`),
        LOG_LEVEL: 'fatal',
      });
      children.push(p.child);
      return { pid: p.child.pid!, url: (JSON.parse(p.line) as { url: string }).url };
    };
    const edgeProc = await startEdge(join(import.meta.dirname, '..'), 'edge', args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof']] : []);
    const edgeUrl = edgeProc.url;
    if (args.baseline) {
      const base = await startEdge(args.baseline, 'baseline', []);
      const [warmA, warmB] = [warm.map(path(mediaPathPrefix)), warm.map(path(mediaPathPrefix))];
      await Promise.all([drive(edgeUrl, warmA, 'x-cache'), drive(base.url, warmB, 'x-cache')]);
      const timed = measured.map(path(mediaPathPrefix));
      const [mine, theirs] = await Promise.all([measure(edgeProc.pid, originProc.pid!, edgeUrl, timed, 'x-cache'), measure(base.pid, originProc.pid!, base.url, timed, 'x-cache')]);
      process.stdout.write(
        [
          `side by side (same streams, at the same time; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}):`,
          '| edge | Gbit/s | TTFB p99 | hit ratio | edge CPU ms/request |',
          '|---|---|---|---|---|',
          `| this checkout | ${mine.gbps.toFixed(2)} | ${mine.p99TtfbMs.toFixed(1)} ms | ${(mine.hitRatio * 100).toFixed(1)}% | ${mine.cpuMsPerRequest?.toFixed(3)} |`,
          `| ${args.baseline} | ${theirs.gbps.toFixed(2)} | ${theirs.p99TtfbMs.toFixed(1)} ms | ${(theirs.hitRatio * 100).toFixed(1)}% | ${theirs.cpuMsPerRequest?.toFixed(3)} |`,
          '',
        ].join('\n'),
      );
      return;
    }
    nginx = await startNginxEdge({ origin, prefix: join(dir, 'nginx'), secret: SECRET, capacityBytes: capacity });

    await drive(edgeUrl, warm.map(path(mediaPathPrefix)), 'x-cache');
    const edge = await measure(edgeProc.pid, originProc.pid!, edgeUrl, measured.map(path(mediaPathPrefix)), 'x-cache');
    await drive(nginx.url, warm.map(path(nginxMediaPathPrefix)), 'x-cache-status');
    const ng = await measure(Number(readFileSync(join(dir, 'nginx', 'nginx.pid'), 'utf8')), originProc.pid!, nginx.url, measured.map(path(nginxMediaPathPrefix)), 'x-cache-status');
    const lru = lruHitRatio(warm, measured, capacity);
    const nginxHeld = bytesUnder(join(dir, 'nginx', 'cache'));

    const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
    const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
    const out = [
      `machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (shared with other work)`,
      `catalog: ${TITLES} titles x ${SEGMENTS} segments = ${mb(catalogBytes)}; cache capacity ${mb(capacity)} (20%); ${warm.length} warm-up then ${measured.length} timed requests, ${CONNECTIONS} connections`,
      '',
      '| server | Gbit/s | TTFB p50 | TTFB p99 | hit ratio | server CPU ms/request | origin CPU ms/request | errors |',
      '|---|---|---|---|---|---|---|---|',
      ...[
        ['marquee edge', edge],
        ['nginx', ng],
      ].map(([name, r]) => {
        const x = r as RunResult;
        return `| ${name as string} | ${x.gbps.toFixed(2)} | ${x.p50TtfbMs.toFixed(1)} ms | ${x.p99TtfbMs.toFixed(1)} ms | ${pct(x.hitRatio)} | ${x.cpuMsPerRequest?.toFixed(3)} | ${x.originCpuMsPerRequest?.toFixed(3)} | ${x.errors} |`;
      }),
      `| plain LRU (replayed) | | | | ${pct(lru)} | | | |`,
      '',
      `nginx's cache held ${mb(nginxHeld)} on disk after the timed run (max_size ${mb(capacity)}: its cache manager trims in the background, so it may run over)`,
      '',
      `throughput ratio edge/nginx: ${(edge.gbps / ng.gbps).toFixed(2)} (goal >= 0.5); hit ratio over LRU: ${((edge.hitRatio - lru) * 100).toFixed(1)} points (goal >= 5)`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    if (args.json) {
      const round = (x: number, d = 3) => Number(x.toFixed(d));
      process.stdout.write(
        `${JSON.stringify({ edgeGbps: round(edge.gbps), nginxGbps: round(ng.gbps), throughputRatio: round(edge.gbps / ng.gbps), edgeP99TtfbMs: round(edge.p99TtfbMs, 1), nginxP99TtfbMs: round(ng.p99TtfbMs, 1), hitRatio: round(edge.hitRatio), lruHitRatio: round(lru) })}\n`,
      );
    }
  } finally {
    await nginx?.stop();
    for (const c of children) {
      c.kill('SIGTERM');
      if (c.exitCode === null) await once(c, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args['serve-origin']) await serveOrigin(Number(args['serve-origin']));
else await main();
