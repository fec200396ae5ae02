import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { type Database, migrateToLatest, openDatabase } from '../../platform/db/index.ts';
import { eventMigrations } from '../../platform/events/index.ts';
import { databasesUnderTest } from '../../../test/support/postgres.ts';
import { viewingMigrations } from './migrations.ts';
import { VIEWING_EVENTS, viewingRepository } from './repository.ts';
import type { ProgressUpdate } from './watchState.ts';

const T0 = Date.parse('2026-05-01T20:00:00Z');
const update = (profileId: string, videoId: string, positionSec: number, atSec: number): ProgressUpdate => ({ profileId, videoId, titleId: 't1', episodeId: null, positionSec, durationSec: 100, deviceId: 'tv', eventAt: T0 + atSec * 1000 });

for (const engine of await databasesUnderTest()) {
  describe(`viewing progress batches on ${engine.name}`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ database, cleanup } = await engine.open());
      await migrateToLatest(database.db, eventMigrations, viewingMigrations);
    });
    after(() => cleanup());

    test('a batch never moves time backwards, counts time watched and reports completion once', async () => {
      const repo = viewingRepository(database.db);
      await repo.writeProgressBatch([update('p1', 'v1', 10, 0), update('p2', 'v1', 50, 0)]);
      await repo.writeProgressBatch([update('p1', 'v1', 5, -5), update('p2', 'v1', 60, 10)]);
      await repo.writeProgressBatch([update('p2', 'v1', 96, 46), update('p1', 'v2', 30, 0)]);
      await repo.writeProgressBatch([update('p2', 'v1', 97, 47)]);

      const positions = await Promise.all([['p1', 'v1'], ['p2', 'v1'], ['p1', 'v2']].map(async ([p, v]) => Number((await repo.progressOf(p!, v!))?.position_sec)));
      assert.deepEqual(positions, [10, 97, 30], 'the late, older update for p1/v1 was ignored');
      const history = (await repo.historyPage('p2', undefined, 10)).map((h) => [h.video_id, Number(h.watched_sec), Number(h.completed), h.device_id]);
      assert.deepEqual(history, [['v1', 47, 1, 'tv']], '10 s, 36 s and 1 s of watching; finished past 95 %');
      const events = await database.db.withTables<{ outbox: { type: string; key: string; seq: number } }>().selectFrom('outbox').select(['type', 'key']).orderBy('seq').execute();
      assert.deepEqual(
        events.filter((e) => e.key === 'p2').map((e) => e.type),
        [VIEWING_EVENTS.progress, VIEWING_EVENTS.progress, VIEWING_EVENTS.progress, VIEWING_EVENTS.completed, VIEWING_EVENTS.progress],
      );
      assert.equal(events.filter((e) => e.key === 'p1').length, 2, 'no event for the ignored update');
    });
  });
}

test('on SQLite a batch waits for another process’s write without stopping the event loop', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'marquee-viewing-'));
  const database = openDatabase({ sqliteFile: join(dir, 'v.db') });
  // Another connection to the file stands for another API process that is writing.
  const other = new SQLite(join(dir, 'v.db'));
  try {
    await migrateToLatest(database.db, eventMigrations, viewingMigrations);
    const repo = viewingRepository(database.db);
    other.prepare('begin immediate').run();
    let written = false;
    const write = repo.writeProgressBatch([update('p1', 'v1', 10, 0)]).then(() => (written = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(written, false, 'the batch waits for the lock');
    const read = await repo.progressOf('p1', 'v1');
    assert.equal(read, undefined, 'reads go on meanwhile, on the same connection');
    other.prepare('commit').run();
    await write;
    assert.equal(Number((await repo.progressOf('p1', 'v1'))?.position_sec), 10);
  } finally {
    other.close();
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
});
