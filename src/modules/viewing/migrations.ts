import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../platform/db/index.ts';

export const viewingMigrations: NamedMigrations = {
  '0500_viewing_progress': {
    async up(db: Kysely<unknown>) {
      // Keyed by profile first so the table shards by profile.
      await db.schema
        .createTable('viewing_progress')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('title_id', 'text', (c) => c.notNull())
        .addColumn('episode_id', 'text')
        .addColumn('position_sec', 'real', (c) => c.notNull())
        .addColumn('duration_sec', 'real', (c) => c.notNull())
        .addColumn('finished', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('viewing_progress_pk', ['profile_id', 'video_id'])
        .execute();
      await db.schema.createIndex('viewing_progress_recent').on('viewing_progress').columns(['profile_id', 'updated_at']).execute();
    },
  },
};
