import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../platform/db/index.ts';

export const profileMigrations: NamedMigrations = {
  '0200_profiles': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('profiles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kids', 'integer', (c) => c.notNull())
        .addColumn('maturity_rating', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('avatar', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('profiles_account_name', ['account_id', 'name'])
        .execute();
    },
  },
};
