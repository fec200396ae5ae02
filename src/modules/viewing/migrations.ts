import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../platform/db/index.ts';

// Every table is keyed by profile first: no hot-path query crosses profiles, and a Citus-style
// distribution on profile_id works without changes.
export const viewingMigrations: NamedMigrations = {
  '0500_viewing_progress': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('viewing_progress')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('title_id', 'text', (c) => c.notNull())
        .addColumn('episode_id', 'text')
        .addColumn('position_sec', 'real', (c) => c.notNull())
        .addColumn('duration_sec', 'real', (c) => c.notNull())
        .addColumn('finished', 'integer', (c) => c.notNull())
        .addColumn('dismissed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('device_id', 'text')
        .addColumn('event_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('viewing_progress_pk', ['profile_id', 'video_id'])
        .execute();
      await db.schema.createIndex('viewing_progress_recent').on('viewing_progress').columns(['profile_id', 'event_at']).execute();
      await db.schema
        .createTable('viewing_history')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('title_id', 'text', (c) => c.notNull())
        .addColumn('episode_id', 'text')
        .addColumn('device_id', 'text')
        .addColumn('first_watched_at', 'text', (c) => c.notNull())
        .addColumn('last_watched_at', 'text', (c) => c.notNull())
        .addColumn('watched_sec', 'real', (c) => c.notNull())
        .addColumn('completed', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('viewing_history_pk', ['profile_id', 'video_id'])
        .execute();
      await db.schema.createIndex('viewing_history_recent').on('viewing_history').columns(['profile_id', 'last_watched_at']).execute();
      await db.schema
        .createTable('my_list')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('title_id', 'text', (c) => c.notNull())
        .addColumn('position', 'real', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('my_list_pk', ['profile_id', 'title_id'])
        .execute();
      await db.schema
        .createTable('ratings')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('title_id', 'text', (c) => c.notNull())
        .addColumn('rating', 'integer', (c) => c.notNull())
        .addColumn('rated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('ratings_pk', ['profile_id', 'title_id'])
        .execute();
    },
  },
};
