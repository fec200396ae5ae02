import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EdgeView, pickEdges } from './pickEdges.ts';

const edge = (id: string, region: string, load: number, healthy = true): EdgeView => ({ id, baseUrl: `http://${id}`, region, load, healthy, capacityBytes: 1e9 });
const ids = (p: ReturnType<typeof pickEdges>) => [p.primary?.id, ...p.backups.map((b) => b.id)];

const cases: { name: string; edges: EdgeView[]; region: string; count?: number; want: (string | undefined)[] }[] = [
  { name: 'no edges: no primary', edges: [], region: 'US', want: [undefined] },
  { name: 'same region first, then least loaded', edges: [edge('eu1', 'EU', 0), edge('us1', 'US', 5), edge('us2', 'US', 2)], region: 'US', want: ['us2', 'us1', 'eu1'] },
  { name: 'region match ignores case', edges: [edge('a', 'eu', 0), edge('b', 'us', 9)], region: 'US', want: ['b', 'a'] },
  { name: 'unhealthy edges are excluded', edges: [edge('us1', 'US', 0, false), edge('us2', 'US', 3), edge('eu1', 'EU', 1), edge('eu2', 'EU', 2)], region: 'US', want: ['us2', 'eu1', 'eu2'] },
  { name: 'ties break by id, whatever the input order', edges: [edge('c', 'US', 1), edge('a', 'US', 1), edge('b', 'US', 1)], region: 'US', want: ['a', 'b', 'c'] },
  { name: 'at most count edges', edges: [edge('a', 'US', 0), edge('b', 'US', 1), edge('c', 'US', 2), edge('d', 'US', 3)], region: 'US', want: ['a', 'b', 'c'] },
  { name: 'count 4 gives three backups', edges: [edge('a', 'US', 0), edge('b', 'US', 1), edge('c', 'US', 2), edge('d', 'US', 3)], region: 'US', count: 4, want: ['a', 'b', 'c', 'd'] },
  { name: 'no edge in region: least loaded elsewhere', edges: [edge('eu1', 'EU', 4), edge('ap1', 'AP', 1)], region: 'US', want: ['ap1', 'eu1'] },
  { name: 'all unhealthy: none', edges: [edge('a', 'US', 0, false)], region: 'US', want: [undefined] },
];

for (const c of cases) {
  test(`pickEdges: ${c.name}`, () => {
    assert.deepEqual(ids(pickEdges(c.edges, c.region, c.count ? { count: c.count } : {})), c.want);
  });
}
