import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { cachedStatements } from './sqliteStatements.ts';

test('a statement is compiled once and reused; the least recently used is dropped past capacity', () => {
  const sqlite = new SQLite(':memory:');
  const compiled: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((sql: string) => (compiled.push(sql), prepare(sql))) as typeof sqlite.prepare;
  const db = cachedStatements(sqlite, 2);
  assert.equal(db.prepare('select 1'), db.prepare('select 1'));
  db.prepare('select 2');
  db.prepare('select 1');
  db.prepare('select 3');
  db.prepare('select 1');
  db.prepare('select 2');
  assert.deepEqual(compiled, ['select 1', 'select 2', 'select 3', 'select 2'], '"select 2" was the least recently used when "select 3" came');
  db.close();
  assert.equal(sqlite.open, false);
});

test('a statement still being iterated is not handed out again: the caller gets a fresh one', () => {
  const db = cachedStatements(new SQLite(':memory:'));
  const sql = 'select value from json_each(?)';
  const outer = db.prepare(sql).iterate(['[1,2]']);
  const first = outer.next();
  const inner = db.prepare(sql).all(['[3]']);
  assert.deepEqual([first.value, inner], [{ value: 1 }, [{ value: 3 }]]);
  assert.deepEqual([...outer], [{ value: 2 }]);
  db.close();
});
