import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../platform/db/index.ts';

export const studioMigrations: NamedMigrations = {
  '0400_studio_uploads_videos': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('uploads')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('title_id', 'text', (c) => c.notNull())
        .addColumn('episode_id', 'text')
        .addColumn('object_key', 'text', (c) => c.notNull())
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'integer', (c) => c.notNull())
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('uploads_job').on('uploads').column('job_id').execute();
      await db.schema.createIndex('uploads_account').on('uploads').columns(['account_id', 'created_at']).execute();
      await db.schema
        .createTable('videos')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('asset_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('title_id', 'text', (c) => c.notNull())
        .addColumn('episode_id', 'text')
        .addColumn('duration_sec', 'real')
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('renditions', 'text')
        .addColumn('files', 'text')
        .addColumn('error_code', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0402_studio_video_ladder': {
    async up(db: Kysely<unknown>) {
      // JSON: the per-title hull, the chosen rungs and their measured quality (LadderReport).
      await db.schema.alterTable('videos').addColumn('ladder', 'text').execute();
    },
  },
  '0406_studio_video_qc': {
    async up(db: Kysely<unknown>) {
      // JSON: the quality control report (QcReport), with the admin override when there is one.
      await db.schema.alterTable('videos').addColumn('qc', 'text').execute();
    },
  },
};
