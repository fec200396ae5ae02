import type { Kysely } from 'kysely';
import { type NamedMigrations, engineOf } from '../db/index.ts';

export const eventMigrations: NamedMigrations = {
  '0002_platform_outbox': {
    async up(db: Kysely<unknown>) {
      // `seq` orders delivery; events of one key (a profile) are delivered in this order.
      await db.schema
        .createTable('outbox')
        .addColumn('seq', engineOf(db) === 'postgres' ? 'bigserial' : 'integer', (c) => (engineOf(db) === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('outbox_cursors')
        .addColumn('subscriber', 'text', (c) => c.primaryKey())
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .execute();
    },
  },
};
