import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase } from './database.ts';

/** Rows of `t` in the database file alone, as if the write-ahead log were lost. */
function rowsInMainFile(dir: string): number {
  copyFileSync(join(dir, 'x.db'), join(dir, 'copy.db'));
  const copy = new SQLite(join(dir, 'copy.db'), { readonly: true });
  try {
    return copy.prepare("select count(*) as n from sqlite_master where name = 't'").get() ? Number((copy.prepare('select count(*) as n from t').get() as { n: number }).n) : 0;
  } catch {
    return 0;
  } finally {
    copy.close();
  }
}

test('commits reach the database file without a commit copying the log (a thread of its own does)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-checkpoint-'));
  const database = openDatabase({ sqliteFile: join(dir, 'x.db') });
  try {
    const [setting] = (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db)).rows;
    assert.equal(setting?.wal_autocheckpoint, 0, 'commits on the event loop never checkpoint');
    await sql`create table t (n integer)`.execute(database.db);
    await sql`insert into t select value from json_each(${JSON.stringify(Array.from({ length: 100 }, (_, i) => i))})`.execute(database.db);
    let rows = 0;
    for (let waited = 0; waited < 5_000 && rows < 100; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      rows = rowsInMainFile(dir);
    }
    assert.equal(rows, 100);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
