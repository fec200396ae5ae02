import { Agent as HttpAgent, type IncomingMessage, type RequestOptions, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { hostname } from 'node:os';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import parseRange from 'range-parser';
import { forbidden, notFound, unavailable } from '../../platform/errors.ts';
import { installErrorHandler, routeNotFound } from '../../platform/http/errorHandler.ts';
import { type Metrics, instrumentHttp } from '../../platform/metrics.ts';
import { MEDIA_CONTENT_TYPES as CONTENT_TYPES, checkAlternates, checkMediaToken, mayFetch, type MediaToken, mediaCacheControl as cacheControl } from '../playback/index.ts';
import { type Admission, ByteCache } from './cachePolicy.ts';
import { DiskCache } from './diskCache.ts';
import { type FillRequest, verifyFillRequest } from './fillRequest.ts';
import { withRedundantVariants } from './hls.ts';
import { withBaseUrls } from './mpd.ts';
import { type EdgeReport, signEdgeReport } from './steering.ts';

const SESSION_WINDOW_MS = 60_000;
/** Enough for the fill planner; a heartbeat stays small. */
const MAX_HOLDS_REPORTED = 2000;

/**
 * Segments are shared by every session of a video. Manifests are not: the origin tailors them to
 * the session (its plan's renditions, its content protection), so they are cached per session, in
 * memory only.
 */
const cacheKey = (playbackId: string, assetId: string, file: string, ext: string): string => (ext === 'mpd' || ext === 'm3u8' ? `~${playbackId}/${assetId}/${file}` : `${assetId}/${file}`);
const isSessionKey = (key: string): boolean => key.startsWith('~');
/** Checked tokens remembered (a session asks for hundreds of segments with one token); forgotten all at once when full. */
const VERIFIED_TOKENS_MAX = 10_000;
const ORIGIN_TIMEOUT_MS = 30_000;

/**
 * One GET to the origin over kept-alive connections: its status and, for a 200, the whole body in
 * one Buffer sized from Content-Length (no chunk list to concatenate). A body shorter than promised
 * is an error, never a cache entry.
 */
function originGet(url: URL, agent: HttpAgent): Promise<{ status: number; body?: Buffer }> {
  return new Promise((resolve, reject) => {
    const options: RequestOptions = { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, timeout: ORIGIN_TIMEOUT_MS };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        res.resume();
        resolve({ status });
        return;
      }
      const length = Number(res.headers['content-length']);
      const sized = Number.isSafeInteger(length) && length >= 0;
      const chunks: Buffer[] = [];
      const body = sized ? Buffer.allocUnsafe(length) : undefined;
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        if (body) {
          if (received + chunk.length <= length) chunk.copy(body, received);
        } else chunks.push(chunk);
        received += chunk.length;
      });
      res.once('error', reject);
      // A connection lost mid-body may end in 'close' alone; settling twice is harmless.
      res.once('close', () => reject(new Error('origin connection closed mid-body')));
      res.once('end', () => {
        if (!res.complete || (body && received !== length)) reject(new Error(`origin body ended after ${received} bytes`));
        else resolve({ status, body: body ?? Buffer.concat(chunks, received) });
      });
    });
    req.once('timeout', () => req.destroy(new Error('origin timeout')));
    req.once('error', reject);
    req.end();
  });
}

export interface EdgeOptions {
  id?: string;
  region: string;
  /** Memory plus disk. */
  capacityBytes: number;
  /** A disk tier of `capacityBytes` of the total (the rest is memory), kept across restarts in `dir`. */
  disk?: { dir: string; capacityBytes: number };
  admission?: Admission;
  /** The origin (api role) base URL: misses are filled from its `/media`. */
  originUrl: string;
  /** Where steering listens; default: the origin. */
  steeringUrl?: string;
  /** This edge's own base URL as players reach it; default http://127.0.0.1:<port>. */
  publicUrl?: string;
  secret: string;
  heartbeatMs?: number;
  /** Register with steering on start and every heartbeat (default true). */
  register?: boolean;
  metrics: Metrics;
  log: Logger;
  clock?: () => number;
}

export interface Edge {
  readonly app: FastifyInstance;
  /** The memory tier. */
  readonly cache: ByteCache<Buffer>;
  readonly disk: DiskCache | undefined;
  /** Base URL once listening. */
  url: string;
  id: string;
  listen(port: number, host?: string): Promise<string>;
  report(): EdgeReport;
  close(): Promise<void>;
}

export async function createEdge(o: EdgeOptions): Promise<Edge> {
  const clock = o.clock ?? Date.now;
  const origin = o.originUrl.replace(/\/$/, '');
  const steeringUrl = (o.steeringUrl ?? origin).replace(/\/$/, '');
  const memoryBytes = o.capacityBytes - (o.disk?.capacityBytes ?? 0);
  if (memoryBytes < 0) throw new Error('the disk tier cannot be larger than the whole cache');
  const originAgent = new URL(origin).protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 64 }) : new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const verified = new Map<string, MediaToken>();
  const inflight = new Map<string, Promise<{ body: Buffer; from: 'disk' | 'origin' }>>();
  const sessions = new Map<string, number>();
  const m = o.metrics;
  const requests = m.counter('marquee_edge_requests_total', 'Edge media requests by cache result', ['result']);
  const bytesServed = m.counter('marquee_edge_bytes_served_total', 'Bytes of media sent to players');
  const originFetches = m.counter('marquee_edge_origin_fetches_total', 'Fills from the origin, by outcome', ['outcome']);
  const originBytes = m.counter('marquee_edge_origin_bytes_total', 'Bytes filled from the origin');
  const evictions = m.counter('marquee_edge_evictions_total', 'Objects evicted from a cache tier (memory evictions are demoted to disk)', ['tier']);
  const corrupt = m.counter('marquee_edge_disk_corrupt_total', 'Disk cache files found damaged and dropped instead of served');
  const refused = m.counter('marquee_edge_refused_total', 'Requests refused by signed-URL checks', ['reason']);
  // Label children bound once: the hot path then skips the label lookup.
  const byResult = { hit: requests.labels({ result: 'hit' }), diskHit: requests.labels({ result: 'disk_hit' }), miss: requests.labels({ result: 'miss' }), coalesced: requests.labels({ result: 'coalesced' }) };
  const counts = { hit: 0, total: 0 };
  const disk = o.disk ? await DiskCache.open(o.disk.dir, o.disk.capacityBytes, { evicted: (n) => evictions.inc({ tier: 'disk' }, n), corrupt: () => corrupt.inc() }, o.admission ?? 'tinylfu') : undefined;
  // What memory pushes out goes to disk (unless it is already there: fills are written through).
  const cache = new ByteCache<Buffer>(memoryBytes, o.admission ?? 'tinylfu', 10_000, (key, body) => {
    evictions.inc({ tier: 'memory' });
    if (disk && !isSessionKey(key) && !disk.has(key)) void disk.put(key, body);
  });
  const tiers = () => [{ tier: 'memory', s: cache.stats() }, ...(disk ? [{ tier: 'disk', s: disk.stats() }] : [])];
  m.gauge('marquee_edge_hit_ratio', 'Share of media requests answered from the cache (either tier) since start', [], (g) => g.set(counts.total ? counts.hit / counts.total : 0));
  m.gauge('marquee_edge_cache_bytes', 'Bytes held in the cache', ['tier'], (g) => tiers().forEach((t) => g.set({ tier: t.tier }, t.s.bytes)));
  m.gauge('marquee_edge_cache_capacity_bytes', 'Cache capacity in bytes', ['tier'], (g) => tiers().forEach((t) => g.set({ tier: t.tier }, t.s.capacityBytes)));
  m.gauge('marquee_edge_cache_objects', 'Objects held in the cache', ['tier'], (g) => tiers().forEach((t) => g.set({ tier: t.tier }, t.s.entries)));

  const app = Fastify({ loggerInstance: o.log as FastifyBaseLogger, routerOptions: { maxParamLength: 500 }, forceCloseConnections: true, trustProxy: false });
  installErrorHandler(app);
  instrumentHttp(app, m);
  app.setNotFoundHandler((request, reply) => reply.status(404).send(routeNotFound(request.method, request.url)));
  app.get('/healthz', async () => ({ status: 'ok', edge: edge.id, region: o.region }));

  /**
   * A memory miss: the disk tier, else the origin, with one lookup per object however many players
   * miss on it at once. Origin fills are written through to disk and offered to memory.
   */
  function fill(key: string, originPath: string): Promise<{ body: Buffer; from: 'disk' | 'origin' }> {
    const pending = inflight.get(key);
    if (pending) {
      byResult.coalesced.inc();
      return pending;
    }
    const p = (async () => {
      const stored = await disk?.get(key);
      if (stored) {
        byResult.diskHit.inc();
        cache.set(key, stored, stored.length);
        return { body: stored, from: 'disk' as const };
      }
      byResult.miss.inc();
      let res: { status: number; body?: Buffer };
      try {
        res = await originGet(new URL(origin + originPath), originAgent);
      } catch (err) {
        originFetches.inc({ outcome: 'error' });
        o.log.warn({ err, key }, 'origin fetch failed');
        throw unavailable('origin_unavailable', 'The origin could not be reached; try another edge', 2);
      }
      const body = res.body;
      if (!body) {
        originFetches.inc({ outcome: String(res.status) });
        if (res.status === 404) throw notFound('media_not_found', 'No such media file');
        if (res.status === 403) throw forbidden('url_signature_invalid', 'The origin refused this media URL');
        throw unavailable('origin_unavailable', `The origin answered ${res.status}`, 2);
      }
      originFetches.inc({ outcome: 'ok' });
      originBytes.inc(body.length);
      cache.set(key, body, body.length);
      if (disk && !isSessionKey(key)) void disk.put(key, body);
      return { body, from: 'origin' as const };
    })();
    inflight.set(key, p);
    void p.then(
      () => inflight.delete(key),
      () => inflight.delete(key),
    );
    return p;
  }

  /** The signed media path's parts, or a 403/404 as a player would get it. */
  function checkPath(token: string, assetId: string, file: string): { playbackId: string; ext: string; type: string } {
    const nowSec = Math.floor(clock() / 1000);
    const tokenKey = `${token}/${assetId}`;
    let checked = verified.get(tokenKey);
    if (checked && checked.expiresAtSec < nowSec) {
      verified.delete(tokenKey);
      checked = undefined;
    }
    if (!checked) {
      const check = checkMediaToken(o.secret, token, assetId, nowSec);
      if (!check.ok) {
        refused.inc({ reason: check.reason });
        throw forbidden(check.reason === 'expired' ? 'url_expired' : 'url_signature_invalid', check.reason === 'expired' ? 'This media URL has expired; start playback again' : 'This media URL is not valid');
      }
      if (verified.size >= VERIFIED_TOKENS_MAX) verified.clear();
      verified.set(tokenKey, check.token);
      checked = check.token;
    }
    if (!mayFetch(checked, file)) {
      refused.inc({ reason: 'rendition_not_allowed' });
      throw forbidden('rendition_not_allowed', "This rendition is above what this playback's plan or device allows");
    }
    const ext = file.split('.').pop()?.toLowerCase() ?? '';
    const type = CONTENT_TYPES[ext];
    if (!type || !/^[A-Za-z0-9_-]{1,100}$/.test(assetId) || file.split('/').some((s) => s === '' || s === '..' || s === '.')) throw notFound('media_not_found', 'No such media file');
    return { playbackId: checked.playbackId, ext, type };
  }

  app.options('/media/*', async (_request, reply) =>
    reply.status(204).header('access-control-allow-origin', '*').header('access-control-allow-methods', 'GET, HEAD, OPTIONS').header('access-control-allow-headers', 'range').header('access-control-max-age', '86400').send(),
  );

  app.get<{ Params: { token: string; assetId: string; '*': string }; Querystring: { alt?: string; altsig?: string } }>('/media/:token/:assetId/*', async (request, reply) => {
    const { token, assetId } = request.params;
    const file = request.params['*'];
    const { playbackId, ext, type } = checkPath(token, assetId, file);
    sessions.set(playbackId, clock());

    const key = cacheKey(playbackId, assetId, file, ext);
    counts.total += 1;
    let body = cache.get(key);
    let tier = 'memory';
    if (body) byResult.hit.inc();
    else {
      const filled = await fill(key, `/media/${token}/${assetId}/${file}`);
      body = filled.body;
      tier = filled.from;
    }
    if (tier !== 'origin') counts.hit += 1;
    reply.header('x-cache', tier === 'origin' ? 'MISS' : 'HIT').header('x-cache-tier', tier);

    // The session's signed alternatives go into its manifests, so the player can fail over by itself.
    if (ext === 'mpd' || ext === 'm3u8') {
      const alternates = checkAlternates(o.secret, playbackId, request.query.alt, request.query.altsig);
      if (alternates) {
        const dir = file.includes('/') ? `${file.slice(0, file.lastIndexOf('/'))}/` : '';
        const bases = alternates.map((b) => `${b.replace(/\/$/, '')}/media/${token}/${assetId}/${dir}`);
        const text = body.toString('utf8');
        body = Buffer.from(ext === 'mpd' ? withBaseUrls(text, bases) : withRedundantVariants(text, bases));
      }
    }

    reply
      .header('content-type', type)
      .header('accept-ranges', 'bytes')
      .header('cache-control', cacheControl(ext))
      .header('access-control-allow-origin', '*')
      .header('access-control-expose-headers', 'x-cache, x-cache-tier, x-edge, content-range')
      .header('x-edge', edge.id);
    const rangeHeader = request.headers.range;
    if (rangeHeader) {
      const ranges = parseRange(body.length, rangeHeader, { combine: true });
      if (ranges === -1) return reply.status(416).header('content-range', `bytes */${body.length}`).send();
      if (ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) {
        const { start, end } = ranges[0]!;
        if (request.method === 'GET') bytesServed.inc(end - start + 1);
        return reply.status(206).header('content-range', `bytes ${start}-${end}/${body.length}`).send(body.subarray(start, end + 1));
      }
    }
    if (request.method === 'GET') bytesServed.inc(body.length);
    return reply.send(body);
  });

  const fillBody = {
    type: 'object',
    required: ['paths', 'ts', 'sig'],
    additionalProperties: false,
    properties: { paths: { type: 'array', maxItems: 10_000, items: { type: 'string', maxLength: 1000 } }, ts: { type: 'integer' }, sig: { type: 'string', maxLength: 200 } },
  } as const;
  /** Prepositioning: the fill job (holding the delivery secret) has this edge pull signed paths from the origin ahead of demand. */
  app.post<{ Body: FillRequest }>('/admin/fill', { schema: { body: fillBody } }, async (request) => {
    if (!verifyFillRequest(o.secret, request.body, clock())) throw forbidden('fill_signature_invalid', 'This fill request is not signed with the delivery secret, or is too old');
    const result = { requested: request.body.paths.length, fetched: 0, alreadyCached: 0, failed: 0, bytes: 0 };
    const todo = [...request.body.paths];
    const worker = async () => {
      for (let path = todo.shift(); path !== undefined; path = todo.shift()) {
        const [, token, assetId, file] = /^\/media\/([^/]+)\/([^/]+)\/(.+)$/.exec(path) ?? [];
        try {
          if (!token || !assetId || !file) throw notFound('media_not_found', 'Not a media path');
          checkPath(token, assetId, file);
          const key = cacheKey('fill', assetId, file, file.split('.').pop()?.toLowerCase() ?? '');
          if (cache.has(key) || disk?.has(key)) {
            result.alreadyCached += 1;
            continue;
          }
          const { body } = await fill(key, path);
          result.fetched += 1;
          result.bytes += body.length;
        } catch (err) {
          result.failed += 1;
          o.log.warn({ err: (err as Error).message, path }, 'fill: could not pull an object');
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    await disk?.flush();
    o.log.info(result, 'fill done');
    return result;
  });

  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  async function heartbeat(): Promise<void> {
    try {
      const res = await fetch(`${steeringUrl}/api/v1/steering/edges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(signEdgeReport(o.secret, edge.report(), clock())),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) o.log.warn({ status: res.status, body: await res.text() }, 'steering refused this edge');
      else await res.body?.cancel();
    } catch (err) {
      if (!closed) o.log.warn({ err: (err as Error).message, steeringUrl }, 'steering unreachable; will retry');
    }
  }

  const edge: Edge = {
    app,
    cache,
    disk,
    url: '',
    id: o.id ?? '',
    async listen(port, host = '127.0.0.1') {
      const address = await app.listen({ port, host });
      const actual = new URL(address).port;
      edge.url = (o.publicUrl ?? `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${actual}`).replace(/\/$/, '');
      edge.id ||= `edge-${o.region}-${hostname()}-${actual}`;
      if (o.register !== false) {
        await heartbeat();
        timer = setInterval(() => void heartbeat(), o.heartbeatMs ?? 5000);
        timer.unref();
      }
      return edge.url;
    },
    report() {
      const now = clock();
      for (const [id, at] of sessions) if (now - at > SESSION_WINDOW_MS) sessions.delete(id);
      const holds = new Set([...cache.keys(), ...(disk?.keys() ?? [])].filter((k) => !isSessionKey(k)).map((k) => k.slice(0, k.indexOf('/'))));
      return { id: edge.id, baseUrl: edge.url, region: o.region, capacityBytes: o.capacityBytes, usedBytes: cache.stats().bytes + (disk?.stats().bytes ?? 0), load: sessions.size, holds: [...holds].sort().slice(0, MAX_HOLDS_REPORTED) };
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await app.close();
      originAgent.destroy();
      await disk?.flush();
    },
  };
  return edge;
}

