import autocannon from 'autocannon';
import { percentile } from './stats.ts';

export interface LoadResult {
  requests: number;
  ok: number;
  errors: number;
  /** Answers other than the expected status, by status. */
  otherStatuses: Record<number, number>;
  perSec: number;
  /** Latency of the answered (ok) requests. */
  p50Ms: number;
  p99Ms: number;
}

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  body?: string;
}

/**
 * A closed-loop HTTP load: autocannon keeps `connections` keep-alive connections busy for
 * `seconds`, spread over `url` (several: one server process each), each sending the request `next()`
 * describes as soon as the previous one answered (`pipelining` > 1 keeps that many in flight per
 * connection). Only `okStatus` counts as done.
 */
export async function runLoad(o: { url: string | string[]; seconds: number; connections: number; pipelining?: number; okStatus: number; next(): LoadRequest }): Promise<LoadResult> {
  const latencies: number[] = [];
  let requests = 0;
  const otherStatuses: Record<number, number> = {};
  const urls = typeof o.url === 'string' ? [o.url] : o.url;
  const runs = urls.map((url, i) => {
    let instance: autocannon.Instance | undefined;
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon(
        {
      url,
      // The remainder goes to the first servers, so every connection asked for is used.
      connections: Math.floor(o.connections / urls.length) + (i < o.connections % urls.length ? 1 : 0),
      pipelining: o.pipelining ?? 1,
      duration: o.seconds,
      timeout: 10,
      requests: [
        {
          setupRequest: (req) => {
            const r = o.next();
            return {
              ...req,
              method: r.method,
              path: r.path,
              headers: { ...(r.token ? { authorization: `Bearer ${r.token}` } : {}), ...(r.body ? { 'content-type': 'application/json' } : {}) },
              ...(r.body ? { body: r.body } : {}),
            };
          },
        },
      ],
        },
        (err: unknown, result: autocannon.Result) => (err ? reject(err) : resolve(result)),
      );
    });
    instance!.on('response', (_client, status, _bytes, responseTimeMs) => {
      requests++;
      if (status === o.okStatus) latencies.push(responseTimeMs);
      else otherStatuses[status] = (otherStatuses[status] ?? 0) + 1;
    });
    return done;
  });
  const results = await Promise.all(runs);
  const seconds = Math.max(...results.map((r) => r.duration));
  const failedConnections = results.reduce((sum, r) => sum + r.errors, 0);
  return {
    requests,
    ok: latencies.length,
    errors: requests - latencies.length + failedConnections,
    otherStatuses,
    perSec: Math.round(latencies.length / seconds),
    p50Ms: Math.round(percentile(latencies, 50) * 100) / 100,
    p99Ms: Math.round(percentile(latencies, 99) * 100) / 100,
  };
}
