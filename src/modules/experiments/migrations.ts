import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../platform/db/index.ts';

export const experimentMigrations: NamedMigrations = {
  '0900_experiments': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('experiments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('allocation', 'real', (c) => c.notNull())
        // JSON documents: variants [{key,name,weight,config}], targeting [{type,values,include}], metrics [name].
        .addColumn('variants', 'text', (c) => c.notNull())
        .addColumn('targeting', 'text', (c) => c.notNull())
        .addColumn('metrics', 'text', (c) => c.notNull())
        .addColumn('layer', 'text')
        .addColumn('layer_offset', 'integer')
        .addColumn('start_date', 'text')
        .addColumn('end_date', 'text')
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('experiments_status').on('experiments').columns(['status']).execute();
      await db.schema
        .createTable('experiment_overrides')
        .addColumn('experiment_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('variant', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('experiment_overrides_pk', ['experiment_id', 'account_id'])
        .execute();
      // One row per unit and experiment: the first time the variant changed what the unit saw.
      await db.schema
        .createTable('experiment_exposures')
        .addColumn('experiment_id', 'text', (c) => c.notNull())
        .addColumn('unit_id', 'text', (c) => c.notNull())
        .addColumn('variant', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text')
        .addColumn('exposed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('experiment_exposures_pk', ['experiment_id', 'unit_id'])
        .execute();
      await db.schema
        .createTable('experiment_settings')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
};
