import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FillEdge, type FillTitle, planFill } from './fillPlan.ts';

const NOW = Date.parse('2026-11-26T00:00:00Z');
const DAY = 86_400_000;
const title = (assetId: string, popularity: number, bytes = 10, releaseAt?: number): FillTitle => ({ assetId, popularity, bytes, ...(releaseAt !== undefined ? { releaseAt } : {}) });
const edge = (id: string, capacityBytes = 1000, holds: string[] = []): FillEdge => ({ id, capacityBytes, holds });
const pushes = (plan: ReturnType<typeof planFill>) => Object.fromEntries(plan.map((p) => [p.edgeId, p.push]));
const replicas = (plan: ReturnType<typeof planFill>, assetId: string) => plan.filter((p) => p.push.includes(assetId)).length;

const cases: { name: string; titles: FillTitle[]; edges: FillEdge[]; opts?: object; want: Record<string, string[]> }[] = [
  {
    name: 'the hottest title goes everywhere, a lukewarm one to fewer edges, a cold one to one (the emptiest)',
    titles: [title('cold', 5), title('hot', 100), title('warm', 50)],
    edges: [edge('a'), edge('b'), edge('c'), edge('d')],
    want: { a: ['hot', 'warm'], b: ['hot', 'warm'], c: ['hot', 'cold'], d: ['hot'] },
  },
  {
    name: 'each edge gives the fill at most half its capacity: colder titles wait for room',
    titles: [title('t1', 100, 40), title('t2', 90, 40), title('t3', 80, 40)],
    edges: [edge('a', 200), edge('b', 100)],
    want: { a: ['t1', 't2'], b: ['t1'] },
  },
  {
    name: 'a title larger than any edge share is skipped, smaller ones still fill',
    titles: [title('huge', 100, 600), title('small', 50, 10)],
    edges: [edge('a')],
    want: { a: ['small'] },
  },
  {
    name: 'an upcoming release is pre-positioned as the hottest; one far in the future is not; an unwatched title gets one copy',
    titles: [title('premiere', 0, 10, NOW + 2 * DAY), title('catalog', 100), title('later', 1000, 10, NOW + 60 * DAY), title('never-watched', 0)],
    edges: [edge('a'), edge('b')],
    want: { a: ['premiere', 'catalog', 'never-watched'], b: ['premiere', 'catalog'] },
  },
  {
    name: 'what an edge holds is not pushed again, and holding edges are preferred as replicas',
    titles: [title('hot', 100), title('warm', 40)],
    edges: [edge('a', 1000, ['warm']), edge('b'), edge('c')],
    want: { a: ['hot'], b: ['hot', 'warm'], c: ['hot'] },
  },
  {
    name: 'fillShare 1 lets the fill use the whole cache',
    titles: [title('t1', 10, 60), title('t2', 9, 40)],
    edges: [edge('a', 100)],
    opts: { fillShare: 1 },
    want: { a: ['t1', 't2'] },
  },
  { name: 'no edges: nothing to do', titles: [title('t', 1)], edges: [], want: {} },
];

for (const c of cases) {
  test(`planFill: ${c.name}`, () => {
    assert.deepEqual(pushes(planFill(c.titles, c.edges, { now: NOW, ...c.opts })), c.want);
  });
}

test('planFill: never plans more than an edge share, and replicas grow with popularity', () => {
  const titles = Array.from({ length: 200 }, (_, i) => title(`t${i}`, 1000 / (i + 1), 7 + (i % 13)));
  const edges = Array.from({ length: 6 }, (_, i) => edge(`e${i}`, 300 + i * 100, i % 2 ? ['t3', 't50'] : []));
  const plan = planFill(titles, edges, { now: NOW });
  for (const p of plan) assert.ok(p.plannedBytes <= edges.find((e) => e.id === p.edgeId)!.capacityBytes * 0.5, p.edgeId);
  assert.ok(replicas(plan, 't0') >= replicas(plan, 't10') && replicas(plan, 't10') >= replicas(plan, 't100'));
  assert.equal(replicas(plan, 't0'), 6);
});
