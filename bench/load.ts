import http from 'node:http';

export interface LoadResult {
  requests: number;
  ok: number;
  errors: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * A closed-loop HTTP load generator: `concurrency` loops on keep-alive connections, each sending
 * the request `next(i)` describes as soon as the previous one answered, for `seconds`.
 */
export async function runLoad(o: {
  url: string;
  seconds: number;
  concurrency: number;
  okStatus: number;
  next(loop: number, n: number): { method: string; path: string; token: string; body?: string };
}): Promise<LoadResult> {
  const target = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const until = performance.now() + o.seconds * 1000;
  const send = (req: { method: string; path: string; token: string; body?: string }) =>
    new Promise<number>((resolve) => {
      const r = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.path, agent, headers: { authorization: `Bearer ${req.token}`, ...(req.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(req.body) } : {}) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      r.on('error', () => resolve(0));
      r.end(req.body);
    });
  const loop = async (i: number) => {
    for (let n = 0; performance.now() < until; n++) {
      const t0 = performance.now();
      const status = await send(o.next(i, n));
      latencies.push(performance.now() - t0);
      if (status === o.okStatus) ok++;
      else errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: o.concurrency }, (_, i) => loop(i)));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
  return { requests: latencies.length, ok, errors, perSec: Math.round(ok / elapsed), p50Ms: Math.round(at(50) * 100) / 100, p99Ms: Math.round(at(99) * 100) / 100 };
}
