import type { Kysely } from 'kysely';
import type { NamedMigrations } from '../../platform/db/index.ts';

// Reports are written per profile (keyed by it first, like the viewing tables); the operations
// page reads them across profiles by time, which is analytics, not the playback hot path.
export const operationsMigrations: NamedMigrations = {
  '1100_qoe_reports': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('qoe_reports')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('video_id', 'text', (c) => c.notNull())
        .addColumn('playback_id', 'text')
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('ttff_ms', 'integer')
        .addColumn('rebuffer_count', 'integer', (c) => c.notNull())
        .addColumn('rebuffer_ms', 'integer', (c) => c.notNull())
        .addColumn('played_ms', 'integer', (c) => c.notNull())
        .addColumn('bitrate_switches', 'integer', (c) => c.notNull())
        .addColumn('avg_bitrate_kbps', 'integer', (c) => c.notNull())
        .addColumn('fatal_error', 'text')
        .addColumn('reported_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('qoe_reports_pk', ['profile_id', 'id'])
        .execute();
      await db.schema.createIndex('qoe_reports_time').on('qoe_reports').columns(['reported_at']).execute();
    },
  },
};
