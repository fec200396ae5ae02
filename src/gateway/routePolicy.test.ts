import assert from 'node:assert/strict';
import { test } from 'node:test';
import { policyOf } from './routePolicy.ts';

const cases: [method: string, route: string, category: string | undefined, criticality: string][] = [
  ['POST', '/api/v1/auth/login', 'auth', 'critical'],
  ['POST', '/api/v1/auth/refresh', 'auth', 'critical'],
  ['POST', '/api/v1/playback/:videoId/start', 'playback_start', 'critical'],
  ['POST', '/api/v1/playback/:playbackId/heartbeat', 'progress', 'critical'],
  ['POST', '/api/v1/progress', 'progress', 'critical'],
  ['GET', '/api/v1/search', 'search', 'optional'],
  ['GET', '/api/v1/search/suggest', 'search', 'optional'],
  ['GET', '/api/v1/recommendations', 'browse', 'optional'],
  ['GET', '/api/v1/home', 'browse', 'standard'],
  ['GET', '/api/v1/titles/:titleId', 'browse', 'standard'],
  ['GET', '/api/v1/continue-watching', 'browse', 'standard'],
  ['GET', '/api/v1/history/export', 'browse', 'optional'],
  ['POST', '/api/v1/profiles/:profileId/select', 'browse', 'critical'],
  ['GET', '/media/:token/:assetId/*', undefined, 'critical'],
  ['GET', '/readyz', undefined, 'critical'],
  ['GET', '/api/v1/experiments/:id/results', undefined, 'optional'],
  ['POST', '/api/v1/qoe', undefined, 'optional'],
  ['DELETE', '/api/v1/admin/chaos', undefined, 'critical'],
  ['GET', '/api/v1/admin/resilience', undefined, 'critical'],
  ['POST', '/api/v1/studio/uploads', undefined, 'standard'],
  ['GET', '/titles/:id', undefined, 'standard'],
];

for (const [method, route, category, criticality] of cases) {
  test(`${method} ${route} counts as ${category ?? 'unlimited'}, ${criticality}`, () => {
    assert.deepEqual(policyOf(method, route), { category, criticality });
  });
}
