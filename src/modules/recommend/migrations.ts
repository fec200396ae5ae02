import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../platform/db/index.ts';

export const recommendMigrations: NamedMigrations = {
  '1000_recommend': {
    async up(db: Kysely<unknown>) {
      // One row per trained model; the model itself is an object (it can be tens of megabytes).
      await db.schema
        .createTable('rec_models')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('object_key', 'text', (c) => c.notNull())
        .addColumn('trained_at', 'text', (c) => c.notNull())
        .addColumn('trending', 'text', (c) => c.notNull())
        .addColumn('stats', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rec_models_latest').on('rec_models').column('trained_at').execute();
      await db.schema
        .createTable('rec_onboarding_picks')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('title_id', 'text', (c) => c.notNull())
        .addColumn('picked_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rec_onboarding_picks_pk', ['profile_id', 'title_id'])
        .execute();
      // The country a profile last watched from, so trending can be kept per country.
      await db.schema
        .createTable('rec_profile_countries')
        .addColumn('profile_id', 'text', (c) => c.primaryKey())
        .addColumn('country', 'text', (c) => c.notNull())
        .execute();
      // What `marquee import movielens` created for each source id, so a re-run changes nothing.
      await db.schema
        .createTable('rec_imports')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('internal_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rec_imports_pk', ['source', 'external_id'])
        .execute();
    },
  },
};
