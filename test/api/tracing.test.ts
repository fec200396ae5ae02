import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { startTestServer } from '../support/marquee.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}

/** A stand-in OpenTelemetry collector: it accepts OTLP/HTTP JSON and keeps the spans. */
let collector: Server;
const spans: OtlpSpan[] = [];
let endpoint: string;
before(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const rs of payload.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
});
after(() => collector.close());

test('a request and the seam calls it makes are one trace, exported over OTLP', async () => {
  const server = await startTestServer({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'marquee-test' });
  const res = await apiClient(server.url).call('GET', '/images/no-such-title/poster.jpg', { headers: { 'x-request-id': 'trace-me-1' } });
  assert.equal(res.status, 404);
  await server.close(); // flushes the exporter

  const request = spans.find((s) => s.name === 'GET /images/*' && s.attributes.some((a) => a.key === 'marquee.request_id' && a.value.stringValue === 'trace-me-1'));
  assert.ok(request, `server span exported (got ${spans.map((s) => s.name).join(', ')})`);
  const seam = spans.find((s) => s.name === 'seam objects' && s.traceId === request.traceId);
  assert.ok(seam, 'the object-store call is a span in the same trace');
  assert.equal(seam.parentSpanId, request.spanId, 'and a child of the request');
});
