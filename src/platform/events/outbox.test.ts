import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { databasesUnderTest } from '../../../test/support/postgres.ts';
import { type Database, migrateToLatest } from '../db/index.ts';
import { eventMigrations } from './migrations.ts';
import { appendEvents, pruneDelivered } from './outbox.ts';

type Tables = { outbox: { seq: number; id: string; type: string; key: string; payload: string }; outbox_cursors: { subscriber: string; last_seq: number } };

for (const engine of await databasesUnderTest()) {
  describe(`outbox on ${engine.name}`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    let db: Kysely<Tables>;
    before(async () => {
      ({ database, cleanup } = await engine.open());
      await migrateToLatest(database.db, eventMigrations);
      db = database.db.withTables<Tables>();
    });
    after(() => cleanup());

    test('events appended together keep their order, payloads and distinct time-ordered ids', async () => {
      const events = Array.from({ length: 1_200 }, (_, i) => ({ type: i % 3 ? 'viewing.progress' : 'viewing.completed', key: `p${i % 7}`, payload: { n: i, note: 'quote " and \\\\ backslash' } }));
      await database.db.transaction().execute((tx) => appendEvents(tx, events));
      const rows = await db.selectFrom('outbox').select(['id', 'type', 'key', 'payload']).orderBy('seq').execute();
      assert.deepEqual(rows.map((r) => ({ type: r.type, key: r.key, payload: JSON.parse(r.payload) as unknown })), events);
      assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
      assert.deepEqual(rows.map((r) => r.id.slice(0, 13)), rows.map((r) => r.id.slice(0, 13)).sort(), 'ids follow seq order to the millisecond');
    });

    test('pruning deletes, in chunks, exactly what every subscriber has seen', async () => {
      const seqs = (await db.selectFrom('outbox').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
      await db.insertInto('outbox_cursors').values([{ subscriber: 'fast', last_seq: seqs[1_000]! }, { subscriber: 'slow', last_seq: seqs[449]! }]).execute();
      assert.equal(await pruneDelivered(database.db, 100), 450);
      const left = await db.selectFrom('outbox').select(sql<number>`min(seq)`.as('s')).executeTakeFirst();
      assert.equal(Number(left?.s), seqs[450]);
      assert.equal(await pruneDelivered(database.db, 100), 0, 'nothing more until the slow subscriber moves on');
    });
  });
}
