import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  counter(name: string, help: string, labelNames?: readonly string[]): Counter<string>;
  histogram(name: string, help: string, labelNames?: readonly string[], buckets?: number[]): Histogram<string>;
  /** A gauge; with `collect`, its value is computed each time metrics are scraped. */
  gauge(name: string, help: string, labelNames?: readonly string[], collect?: (g: Gauge<string>) => void): Gauge<string>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'marquee_' });
  // Two modules may count the same thing (playback errors from the player and from start-up): they share one metric.
  const existing = <M>(name: string) => registry.getSingleMetric(name) as M | undefined;
  return {
    registry,
    counter: (name, help, labelNames = []) => existing<Counter<string>>(name) ?? new Counter({ name, help, labelNames, registers: [registry] }),
    histogram: (name, help, labelNames = [], buckets) =>
      existing<Histogram<string>>(name) ?? new Histogram({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets } : {}) }),
    gauge: (name, help, labelNames = [], collect) =>
      existing<Gauge<string>>(name) ?? new Gauge({ name, help, labelNames, registers: [registry], ...(collect ? { collect(this: Gauge<string>) { collect(this); } } : {}) }),
  };
}

/** Request duration by route pattern (not raw URL, so ids don't explode the label set). */
export function instrumentHttp(app: FastifyInstance, metrics: Metrics): void {
  const duration = metrics.histogram('marquee_http_request_duration_seconds', 'HTTP request duration', ['method', 'route', 'status'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
