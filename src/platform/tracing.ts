import { type Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestScope } from './logger.ts';

/** Spans are no-ops until startTracing registers an exporter. */
export const tracer = trace.getTracer('marquee');

export interface Tracing {
  shutdown(): Promise<void>;
}

/** Sends spans to an OTLP/HTTP collector (Jaeger, Tempo, the OpenTelemetry Collector). */
export function startTracing(o: { endpoint: string; serviceName: string }): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${o.endpoint.replace(/\/$/, '')}/v1/traces` }), { scheduledDelayMillis: 1000 })],
  });
  provider.register();
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
    },
  };
}

/** Runs `work` in a child span of whatever span is active (a seam call inside a request). */
export function inSpan<T>(name: string, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await work();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

const SPAN = Symbol('span');
type TracedRequest = FastifyRequest & { [SPAN]?: Span };

/**
 * One server span per request, active while its hooks and handler run, and the request id in
 * scope for every log line written on its behalf.
 */
export function installRequestCorrelation(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const span = tracer.startSpan(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': request.routeOptions.url ?? '', 'marquee.request_id': request.id },
    });
    (request as TracedRequest)[SPAN] = span;
    // Everything the request does from here on runs with its span active.
    requestScope.run({ requestId: request.id }, () => context.with(trace.setSpan(context.active(), span), done));
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = (request as TracedRequest)[SPAN];
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}
