import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/platform/db/index.ts';

/**
 * PostgreSQL for tests. CI has PostgreSQL on its standard local port; a laptop may not. A suite
 * that needs it is skipped when the server is unreachable, unless CI=true: then it fails.
 */

const DEFAULT_URLS = ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

export interface TestPostgres {
  /** Connection URL (the schema is not in it: pass `schema` as `postgresSchema`). */
  readonly url: string;
  /** A fresh, empty schema of this test's own. */
  readonly schema: string;
  /** Drops the schema and everything in it. Close connections that use it first. */
  drop(): Promise<void>;
}

let reachable: Promise<string | undefined> | undefined;

/** The first URL that accepts a connection: TEST_DATABASE_URL if set, else the local defaults. */
function reachableUrl(): Promise<string | undefined> {
  reachable ??= (async () => {
    const candidates = process.env.TEST_DATABASE_URL ? [process.env.TEST_DATABASE_URL] : DEFAULT_URLS;
    const failures: string[] = [];
    for (const url of candidates) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
      try {
        await client.connect();
        await client.query('select 1');
        return url;
      } catch (err) {
        failures.push(`${redact(url)}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL is unreachable and CI=true, so the suite fails rather than skips (${failures.join('; ')})`);
    }
    process.stderr.write(`PostgreSQL suites skipped: no server reachable (${failures.join('; ')}). Under CI=true this fails instead.\n`);
    return undefined;
  })();
  return reachable;
}

/**
 * A fresh schema `t_<random>` on the test server, or undefined when no server is reachable
 * (outside CI). Under CI=true an unreachable server throws.
 */
export async function postgresForTests(): Promise<TestPostgres | undefined> {
  const url = await reachableUrl();
  if (!url) return undefined;
  const schema = `t_${randomBytes(8).toString('hex')}`;
  await withClient(url, (c) => c.query(`create schema "${schema}"`));
  let dropped = false;
  return {
    url,
    schema,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withClient(url, (c) => c.query(`drop schema if exists "${schema}" cascade`));
    },
  };
}

export interface DatabaseUnderTest {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, empty database (a new file, or a new schema); `cleanup` closes and removes it. */
  open(): Promise<{ database: Database; cleanup: () => Promise<void> }>;
}

/** Every engine a contract suite must pass on: SQLite always, PostgreSQL where reachable. */
export async function databasesUnderTest(): Promise<DatabaseUnderTest[]> {
  const engines: DatabaseUnderTest[] = [
    {
      name: 'sqlite',
      async open() {
        const dir = await mkdtemp(join(tmpdir(), 'marquee-db-'));
        const database = openDatabase({ sqliteFile: join(dir, 'test.db') });
        return {
          database,
          async cleanup() {
            await database.close();
            await rm(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
  if (await reachableUrl()) {
    engines.push({
      name: 'postgres',
      async open() {
        const pgTest = await postgresForTests();
        if (!pgTest) throw new Error('PostgreSQL was reachable a moment ago and is not now');
        const database = openDatabase({ postgresUrl: pgTest.url, postgresSchema: pgTest.schema });
        return {
          database,
          async cleanup() {
            await database.close();
            await pgTest.drop();
          },
        };
      },
    });
  }
  return engines;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable TEST_DATABASE_URL)';
  }
}
