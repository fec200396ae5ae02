/**
 * bench:search:redisearch: the catalog and labelled queries of bench:search, indexed into a
 * private redis-server with the RediSearch module (Debian's `redis-redisearch`) through the
 * search-server adapter, and the same quality figures (Success@1, Success@5, MRR per query kind)
 * beside the embedded engine's first result; plus client-side latency per call (Redis round trips,
 * facet counts and re-ranking included).
 * Usage: npm run bench:search:redisearch [-- --json] [--titles 20000] [--seed 1]
 */
import { RediSearchBackend } from '../src/adapters/search/redisearch.ts';
import { EmbeddedSearchEngine } from '../src/modules/search/index.ts';
import { startRediSearch } from '../test/support/redisearch.ts';
import { median, percentile } from './stats.ts';
import { args, cases, type QualityScore, QualityTally, titles, viewer } from './searchCatalog.ts';

const server = await startRediSearch();
if (!server) process.exit(0);
const backend = new RediSearchBackend(server.client(), { index: 'bench:search', currentYear: () => 2026 });
const embedded = new EmbeddedSearchEngine(() => 2026);
embedded.rebuild(titles);
const t0 = performance.now();
await backend.rebuild(titles);
const buildMs = performance.now() - t0;

const quality = new QualityTally();
const searchMs: number[] = [];
let sameFirst = 0;
const misses: string[] = [];
for (const c of cases) {
  const started = performance.now();
  const hits = (await backend.search({ q: c.q, visibility: viewer, limit: 20 })).hits;
  searchMs.push(performance.now() - started);
  if (hits[0]?.titleId === embedded.search({ q: c.q, visibility: viewer, limit: 20 }).hits[0]?.titleId) sameFirst++;
  const rank = hits.findIndex((h) => c.relevant.has(h.titleId)) + 1;
  quality.add(c.kind, rank);
  if (rank === 0 || rank > 5) misses.push(`${c.kind} ${JSON.stringify(c.q)} → ${rank || '-'}`);
}
// As-you-type: every other keystroke of the first 300 queries.
const suggestMs: number[] = [];
for (const c of cases.slice(0, 300)) {
  for (let i = 2; i <= c.q.length; i += 2) {
    const started = performance.now();
    await backend.suggest(c.q.slice(0, i), viewer);
    suggestMs.push(performance.now() - started);
  }
}
await backend.drop();
await server.stop();

const round = (x: number) => Math.round(x * 1000) / 1000;
const q = (key: string): QualityScore => quality.get(key);
const all = q('all');
const result = {
  success1: round(all.s1 / all.n),
  success5: round(all.s5 / all.n),
  mrr: round(all.rr / all.n),
  typoSuccess5: round(q('typo').s5 / q('typo').n),
  sameFirstAsEmbedded: round(sameFirst / cases.length),
  queryP50Ms: round(median(searchMs)),
  queryP99Ms: round(percentile(searchMs, 99)),
  suggestP50Ms: round(median(suggestMs)),
  suggestP99Ms: round(percentile(suggestMs, 99)),
  buildMs: Math.round(buildMs),
  titles: titles.length,
  labelledQueries: cases.length,
};
if (!args.json || process.stdout.isTTY) {
  console.log(`bench:search:redisearch — ${titles.length} titles indexed in ${result.buildMs} ms; latency is client-side wall time per call`);
  console.log(`\n| workload | calls | p50 ms | p99 ms |\n|---|---|---|---|`);
  console.log(`| search | ${searchMs.length} | ${result.queryP50Ms} | ${result.queryP99Ms} |\n| suggest | ${suggestMs.length} | ${result.suggestP50Ms} | ${result.suggestP99Ms} |`);
  console.log(`\n| query kind | n | Success@1 | Success@5 | MRR |\n|---|---|---|---|---|`);
  for (const k of ['all', 'exact', 'prefix', 'typo', 'space', 'person', 'diacritics', 'synonym']) {
    const s = q(k);
    console.log(`| ${k} | ${s.n} | ${round(s.s1 / s.n)} | ${round(s.s5 / s.n)} | ${round(s.rr / s.n)} |`);
  }
  console.log(`\nsame first result as the embedded engine: ${sameFirst} of ${cases.length}`);
  if (misses.length) console.log(`\nmissed (not in top 5), ${misses.length}:\n  ${misses.slice(0, 25).join('\n  ')}`);
}
if (args.json) console.log(JSON.stringify(result));
