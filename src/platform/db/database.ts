import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type KyselyPlugin, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { type Checkpointer, startCheckpointer } from './sqliteCheckpointer.ts';
import { cachedStatements } from './sqliteStatements.ts';

/** How often the SQLite write-ahead log is copied back into the database file. */
const CHECKPOINT_INTERVAL_MS = 200;

export type SqlEngine = 'sqlite' | 'postgres';

/**
 * The one query layer over both engines. Modules narrow it to their own tables with
 * `db.withTables<TheirTables>()`; portable column types only (text ids and ISO timestamps,
 * integer booleans, JSON as text) so the same migrations and queries run on both.
 */
export interface Database {
  readonly db: Kysely<object>;
  readonly engine: SqlEngine;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  sqliteFile?: string;
  postgresUrl?: string;
  /** PostgreSQL schema to use (tests isolate themselves in a schema of their own). */
  postgresSchema?: string;
  /** Kysely plugins for every query (the chaos facility slows the database through one). */
  plugins?: KyselyPlugin[];
}

export function openDatabase(opts: DatabaseOptions): Database {
  if (opts.postgresUrl) {
    const pool = new pg.Pool({
      connectionString: opts.postgresUrl,
      max: 10,
      ...(opts.postgresSchema ? { options: `-c search_path=${opts.postgresSchema}` } : {}),
    });
    const db = new Kysely<object>({ dialect: new PostgresDialect({ pool }), plugins: opts.plugins ?? [] });
    return {
      db,
      engine: 'postgres',
      ping: async () => void (await sql`select 1`.execute(db)),
      close: () => db.destroy(),
    };
  }
  const file = opts.sqliteFile ?? ':memory:';
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // The log is copied into the database file off the event loop (see sqliteCheckpointer.ts).
  let checkpointer: Checkpointer | undefined;
  if (file !== ':memory:') {
    sqlite.pragma('wal_autocheckpoint = 0');
    checkpointer = startCheckpointer(file, CHECKPOINT_INTERVAL_MS, () => {
      if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
    });
  }
  const db = new Kysely<object>({ dialect: new SqliteDialect({ database: cachedStatements(sqlite) }), plugins: opts.plugins ?? [] });
  return {
    db,
    engine: 'sqlite',
    ping: async () => void sqlite.prepare('select 1').get(),
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
