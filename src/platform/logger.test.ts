import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import { createLogger, redactSignedPath, requestScope } from './logger.ts';

test('signed media tokens never reach the logs; other paths are untouched', () => {
  const cases: [string, string][] = [
    ['/media/pb-1.1795678534.AbCdEfGhIjKlMnOpQrStUvWxYz012345/asset-9/chunk-stream0-00001.mp4', '/media/[signed]/asset-9/chunk-stream0-00001.mp4'],
    ['/media/x/y', '/media/[signed]/y'],
    ['/api/v1/titles?limit=2', '/api/v1/titles?limit=2'],
    ['/images/t/poster.svg', '/images/t/poster.svg'],
  ];
  for (const [url, logged] of cases) assert.equal(redactSignedPath(url), logged);
});

test('every line written on behalf of a request carries its id, whichever logger writes it', () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  const log = createLogger('info', sink);
  requestScope.run({ requestId: 'req-42' }, () => log.child({ module: 'viewing' }).info('flushed a batch'));
  log.info('outside any request');
  assert.equal(lines[0]!.reqId, 'req-42');
  assert.equal(lines[0]!.module, 'viewing');
  assert.equal('reqId' in lines[1]!, false);
});
