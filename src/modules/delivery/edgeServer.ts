import { hostname } from 'node:os';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import parseRange from 'range-parser';
import { forbidden, notFound, unavailable } from '../../platform/errors.ts';
import { installErrorHandler, routeNotFound } from '../../platform/http/errorHandler.ts';
import { type Metrics, instrumentHttp } from '../../platform/metrics.ts';
import { MEDIA_CONTENT_TYPES as CONTENT_TYPES, checkAlternates, checkMediaToken, mediaCacheControl as cacheControl } from '../playback/index.ts';
import { type Admission, ByteCache } from './cachePolicy.ts';
import { withBaseUrls } from './mpd.ts';
import { type EdgeReport, signEdgeReport } from './steering.ts';

const SESSION_WINDOW_MS = 60_000;

export interface EdgeOptions {
  id?: string;
  region: string;
  capacityBytes: number;
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
  readonly cache: ByteCache<Buffer>;
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
  const cache = new ByteCache<Buffer>(o.capacityBytes, o.admission ?? 'tinylfu');
  const inflight = new Map<string, Promise<Buffer>>();
  const sessions = new Map<string, number>();
  const m = o.metrics;
  const requests = m.counter('marquee_edge_requests_total', 'Edge media requests by cache result', ['result']);
  const bytesServed = m.counter('marquee_edge_bytes_served_total', 'Bytes of media sent to players');
  const originFetches = m.counter('marquee_edge_origin_fetches_total', 'Fills from the origin, by outcome', ['outcome']);
  const originBytes = m.counter('marquee_edge_origin_bytes_total', 'Bytes filled from the origin');
  const evictions = m.counter('marquee_edge_evictions_total', 'Objects evicted from the cache');
  const refused = m.counter('marquee_edge_refused_total', 'Requests refused by signed-URL checks', ['reason']);
  const counts = { hit: 0, total: 0 };
  m.gauge('marquee_edge_hit_ratio', 'Share of media requests answered from the cache since start', [], (g) => g.set(counts.total ? counts.hit / counts.total : 0));
  m.gauge('marquee_edge_cache_bytes', 'Bytes held in the cache', [], (g) => g.set(cache.stats().bytes));
  m.gauge('marquee_edge_cache_capacity_bytes', 'Cache capacity in bytes', [], (g) => g.set(cache.capacityBytes));
  m.gauge('marquee_edge_cache_objects', 'Objects held in the cache', [], (g) => g.set(cache.stats().entries));

  const app = Fastify({ loggerInstance: o.log as FastifyBaseLogger, routerOptions: { maxParamLength: 500 }, forceCloseConnections: true, trustProxy: false });
  installErrorHandler(app);
  instrumentHttp(app, m);
  app.setNotFoundHandler((request, reply) => reply.status(404).send(routeNotFound(request.method, request.url)));
  app.get('/healthz', async () => ({ status: 'ok', edge: edge.id, region: o.region }));

  /** One origin fetch per object however many players miss on it at once. */
  function fill(key: string, originPath: string): Promise<Buffer> {
    const pending = inflight.get(key);
    if (pending) {
      requests.inc({ result: 'coalesced' });
      return pending;
    }
    requests.inc({ result: 'miss' });
    const p = (async () => {
      let res: Response;
      try {
        res = await fetch(origin + originPath, { signal: AbortSignal.timeout(30_000) });
      } catch (err) {
        originFetches.inc({ outcome: 'error' });
        o.log.warn({ err, key }, 'origin fetch failed');
        throw unavailable('origin_unavailable', 'The origin could not be reached; try another edge', 2);
      }
      if (!res.ok) {
        originFetches.inc({ outcome: String(res.status) });
        await res.body?.cancel();
        if (res.status === 404) throw notFound('media_not_found', 'No such media file');
        if (res.status === 403) throw forbidden('url_signature_invalid', 'The origin refused this media URL');
        throw unavailable('origin_unavailable', `The origin answered ${res.status}`, 2);
      }
      const body = Buffer.from(await res.arrayBuffer());
      originFetches.inc({ outcome: 'ok' });
      originBytes.inc(body.length);
      const { evicted } = cache.set(key, body, body.length);
      if (evicted.length) evictions.inc(evicted.length);
      return body;
    })();
    inflight.set(key, p);
    void p.then(
      () => inflight.delete(key),
      () => inflight.delete(key),
    );
    return p;
  }

  app.options('/media/*', async (_request, reply) =>
    reply.status(204).header('access-control-allow-origin', '*').header('access-control-allow-methods', 'GET, HEAD, OPTIONS').header('access-control-allow-headers', 'range').header('access-control-max-age', '86400').send(),
  );

  app.get<{ Params: { token: string; assetId: string; '*': string }; Querystring: { alt?: string; altsig?: string } }>('/media/:token/:assetId/*', async (request, reply) => {
    const { token, assetId } = request.params;
    const file = request.params['*'];
    const check = checkMediaToken(o.secret, token, assetId, Math.floor(clock() / 1000));
    if (!check.ok) {
      refused.inc({ reason: check.reason });
      throw forbidden(check.reason === 'expired' ? 'url_expired' : 'url_signature_invalid', check.reason === 'expired' ? 'This media URL has expired; start playback again' : 'This media URL is not valid');
    }
    const ext = file.split('.').pop()?.toLowerCase() ?? '';
    const type = CONTENT_TYPES[ext];
    if (!type || !/^[A-Za-z0-9_-]{1,100}$/.test(assetId) || file.split('/').some((s) => s === '' || s === '..' || s === '.')) throw notFound('media_not_found', 'No such media file');
    sessions.set(check.token.playbackId, clock());

    const key = `${assetId}/${file}`;
    counts.total += 1;
    let body = cache.get(key);
    reply.header('x-cache', body ? 'HIT' : 'MISS');
    if (body) {
      counts.hit += 1;
      requests.inc({ result: 'hit' });
    } else body = await fill(key, `/media/${token}/${assetId}/${file}`);

    if (ext === 'mpd') {
      const alternates = checkAlternates(o.secret, check.token.playbackId, request.query.alt, request.query.altsig);
      if (alternates) {
        const dir = file.includes('/') ? `${file.slice(0, file.lastIndexOf('/'))}/` : '';
        body = Buffer.from(withBaseUrls(body.toString('utf8'), alternates.map((b) => `${b.replace(/\/$/, '')}/media/${token}/${assetId}/${dir}`)));
      }
    }

    reply
      .header('content-type', type)
      .header('accept-ranges', 'bytes')
      .header('cache-control', cacheControl(ext))
      .header('access-control-allow-origin', '*')
      .header('access-control-expose-headers', 'x-cache, x-edge, content-range')
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
      return { id: edge.id, baseUrl: edge.url, region: o.region, capacityBytes: cache.capacityBytes, usedBytes: cache.stats().bytes, load: sessions.size };
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await app.close();
    },
  };
  return edge;
}

