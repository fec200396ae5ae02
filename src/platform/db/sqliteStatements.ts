import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The SQLite connection as Kysely sees it, with each statement compiled once: Kysely asks for a
 * statement per query, and SQLite compiling the same text again costs more than running a short
 * statement. Recently used statements are kept (least recently used dropped past `capacity`); one
 * still being iterated (a streamed query) is busy, so that caller gets a fresh one instead.
 */
export function cachedStatements(sqlite: SQLite.Database, capacity = 500): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) {
        // Map order is insertion order: re-inserting keeps the most recently used last.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (cached) return statement;
      statements.set(sql, statement);
      if (statements.size > capacity) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
