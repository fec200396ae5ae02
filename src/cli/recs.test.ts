import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
const marquee = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/marquee.js'), ...args], { encoding: 'utf8', env: { ...process.env, DATA_DIR: dir } });
const dir = mkdtempSync(join(tmpdir(), 'recs-eval-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('recs eval rejects bad input with one clear line and exit code 2', () => {
  const bad = join(dir, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'ratings.csv'), 'userId,movieId,rating,timestamp\n1,31,lots,1260759144\n');
  writeFileSync(join(bad, 'movies.csv'), 'movieId,title,genres\n31,Dangerous Minds (1995),Drama\n');
  const cases: { dir: string; message: RegExp }[] = [
    { dir: join(dir, 'missing'), message: /no such directory/ },
    { dir: bad, message: /ratings\.csv line 2/ },
  ];
  for (const c of cases) {
    const run = marquee('recs', 'eval', '--movielens', c.dir);
    assert.equal(run.status, 2, run.stderr);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, c.message);
  }
});

test('recs eval --json ends with the figures of every model', () => {
  const d = join(dir, 'tiny');
  mkdirSync(d);
  const ratings = ['userId,movieId,rating,timestamp'];
  // Two tastes of 10 viewers; each viewer's last rating is another title of their taste.
  for (let u = 0; u < 20; u++) for (let t = 0; t < 6; t++) ratings.push(`${u},${(u < 10 ? 0 : 100) + ((u + t) % 8)},${4 + (t % 2)},${1000 + t}`);
  writeFileSync(join(d, 'ratings.csv'), `${ratings.join('\n')}\n`);
  const movies = ['movieId,title,genres', ...Array.from({ length: 8 }, (_, i) => [`${i},Horror ${i} (1990),Horror`, `${100 + i},Comedy ${i} (2001),Comedy`]).flat()];
  writeFileSync(join(d, 'movies.csv'), `${movies.join('\n')}\n`);
  const run = marquee('recs', 'eval', '--movielens', d, '--json');
  assert.equal(run.status, 0, run.stderr);
  const out = run.stdout.trim().split('\n');
  assert.match(out.join('\n'), /shipped .*\n.*popularity/s);
  const result = JSON.parse(out.at(-1)!);
  assert.equal(result.users, 20);
  assert.deepEqual(Object.keys(result.models), ['shipped', 'popularity', 'itemknn']);
  for (const m of Object.values(result.models) as Record<string, number>[]) {
    assert.deepEqual(Object.keys(m).sort(), ['coverage', 'ndcg10', 'recall10', 'trainCpuSec', 'trainSec']);
    for (const v of Object.values(m)) assert.ok(v >= 0 && v <= 1000);
  }
  // Every user's test title is of their own taste and unseen: a CF model finds it among the few left.
  assert.ok(result.models.shipped.recall10 > result.models.popularity.recall10 || result.models.shipped.recall10 === 1);
});
