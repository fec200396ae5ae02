import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../platform/db/index.ts';

export const playbackMigrations: NamedMigrations = {
  '0600_playback_sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('playback_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('position_sec', 'real', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('playback_sessions_account').on('playback_sessions').columns(['account_id', 'status', 'last_seen_at']).execute();
    },
  },
  '0601_playback_entitlements': {
    async up(db: Kysely<unknown>) {
      // What this session's manifests may list (set at start from plan and device).
      await db.schema.alterTable('playback_sessions').addColumn('max_height', 'integer').execute();
      await db.schema.alterTable('playback_sessions').addColumn('video_codecs', 'text').execute();
      await db.schema
        .createTable('playback_devices')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('registered_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('playback_devices_pk', ['account_id', 'device_id'])
        .execute();
      await db.schema
        .createTable('content_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('title_id', 'text', (c) => c.notNull().unique())
        .addColumn('wrapped_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
};
