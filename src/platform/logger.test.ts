import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSignedPath } from './logger.ts';

test('signed media tokens never reach the logs; other paths are untouched', () => {
  const cases: [string, string][] = [
    ['/media/pb-1.1795678534.AbCdEfGhIjKlMnOpQrStUvWxYz012345/asset-9/chunk-stream0-00001.mp4', '/media/[signed]/asset-9/chunk-stream0-00001.mp4'],
    ['/media/x/y', '/media/[signed]/y'],
    ['/api/v1/titles?limit=2', '/api/v1/titles?limit=2'],
    ['/images/t/poster.svg', '/images/t/poster.svg'],
  ];
  for (const [url, logged] of cases) assert.equal(redactSignedPath(url), logged);
});
