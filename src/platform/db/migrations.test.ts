import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { databasesUnderTest } from '../../../test/support/postgres.ts';
import { type Database, type NamedMigrations, migrateToLatest } from './index.ts';

for (const engine of await databasesUnderTest()) {
  describe(`migrateToLatest on ${engine.name}`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ database, cleanup } = await engine.open());
    });
    afterEach(() => cleanup());

    test('runs each migration once, however often it is called', async () => {
      const ran: string[] = [];
      const migrations: NamedMigrations = {
        '0001_widgets': {
          async up(db: Kysely<unknown>) {
            ran.push('0001');
            await db.schema.createTable('widgets').addColumn('id', 'text', (c) => c.primaryKey()).execute();
          },
        },
        '0002_widget_names': {
          async up(db: Kysely<unknown>) {
            ran.push('0002');
            await db.schema.alterTable('widgets').addColumn('name', 'text').execute();
          },
        },
      };
      await migrateToLatest(database.db, migrations);
      await migrateToLatest(database.db, migrations);
      assert.deepEqual(ran, ['0001', '0002']);
      await sql`insert into widgets (id, name) values ('w1', 'sprocket')`.execute(database.db);
      const rows = await sql<{ name: string }>`select name from widgets`.execute(database.db);
      assert.deepEqual(rows.rows, [{ name: 'sprocket' }]);

      // A later release adds a migration: only the new one runs, and existing data survives.
      await migrateToLatest(database.db, migrations, {
        '0003_widget_colour': {
          async up(db: Kysely<unknown>) {
            ran.push('0003');
            await db.schema.alterTable('widgets').addColumn('colour', 'text').execute();
          },
        },
      });
      assert.deepEqual(ran, ['0001', '0002', '0003']);
      const after3 = await sql<{ name: string; colour: string | null }>`select name, colour from widgets`.execute(database.db);
      assert.deepEqual(after3.rows, [{ name: 'sprocket', colour: null }]);
    });

    test('two migrations with the same name are refused before anything runs', async () => {
      let ran = false;
      const up = async () => {
        ran = true;
      };
      await assert.rejects(migrateToLatest(database.db, { '0100_dup': { up } }, { '0100_dup': { up } }), /Two migrations are named 0100_dup/);
      assert.equal(ran, false);
    });

    test('another schema on the same server, already migrated, does not confuse this one', async () => {
      const other = await engine.open();
      try {
        const widgets: NamedMigrations = { '0300_widgets': { up: (db: Kysely<unknown>) => db.schema.createTable('widgets').addColumn('id', 'text').execute() } };
        await migrateToLatest(other.database.db, widgets);
        await migrateToLatest(database.db, widgets);
        await sql`insert into widgets (id) values ('w1')`.execute(database.db);
        const rows = await sql<{ id: string }>`select id from widgets`.execute(other.database.db);
        assert.deepEqual(rows.rows, [], 'each database has its own tables');
      } finally {
        await other.cleanup();
      }
    });

    test('a failing migration is reported by name', async () => {
      await assert.rejects(
        migrateToLatest(database.db, {
          '0200_broken': {
            async up() {
              throw new Error('syntax error somewhere');
            },
          },
        }),
        /0200_broken.*syntax error somewhere/,
      );
    });
  });
}
