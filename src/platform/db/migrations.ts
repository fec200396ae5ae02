import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { engineOf } from './values.ts';

/** Each module exports its migrations; names sort in the order they must run. */
export type NamedMigrations = Record<string, Migration>;

export async function migrateToLatest(db: Kysely<object>, ...sets: NamedMigrations[]): Promise<void> {
  const all: NamedMigrations = {};
  for (const set of sets) {
    for (const [name, migration] of Object.entries(set)) {
      if (all[name]) throw new Error(`Two migrations are named ${name}`);
      all[name] = migration;
    }
  }
  // Modules number their migrations in their own ranges, so a database made by an older version
  // may already have a higher-numbered migration than a module's new one: run those too.
  // On PostgreSQL Kysely looks for its migration tables in every schema unless told which one: on
  // a server shared by several schemas (test runs, benchmarks) it found another schema's tables,
  // skipped creating its own, and failed ("kysely_migration_lock" does not exist).
  const schema = engineOf(db) === 'postgres' ? (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows[0]?.name : undefined;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => all }, allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
