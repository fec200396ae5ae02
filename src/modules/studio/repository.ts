import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/index.ts';
import type { LadderReport } from './media/encodeTitle.ts';
import type { Rendition, VideoFiles, VideoStatus } from './types.ts';

export type UploadRow = {
  id: string;
  account_id: string;
  title_id: string;
  episode_id: string | null;
  object_key: string;
  filename: string;
  size_bytes: number;
  video_id: string;
  job_id: string;
  created_at: string;
};

export type VideoRow = {
  id: string;
  /** Folder of the packaged output; demo titles may share one package between several videos. */
  asset_id: string;
  status: VideoStatus;
  title_id: string;
  episode_id: string | null;
  duration_sec: number | null;
  width: number | null;
  height: number | null;
  renditions: string | null;
  files: string | null;
  /** LadderReport as JSON; null until encoded (and for videos encoded before it existed). */
  ladder?: string | null;
  error_code: string | null;
  created_at: string;
  updated_at: string;
};

type StudioTables = { uploads: UploadRow; videos: VideoRow };

export function studioRepository(base: Kysely<object>) {
  const db = base.withTables<StudioTables>();
  return {
    /** The video, its upload and its encode job are written together or not at all. */
    async insertUploadAndVideo(upload: UploadRow, video: VideoRow, enqueue: (tx: Kysely<object>) => Promise<unknown>): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('videos').values(video).execute();
        await tx.insertInto('uploads').values(upload).execute();
        await enqueue(tx as unknown as Kysely<object>);
      });
    },
    uploadByJob: (jobId: string) => db.selectFrom('uploads').selectAll().where('job_id', '=', jobId).executeTakeFirst(),
    uploadByVideo: (videoId: string) => db.selectFrom('uploads').selectAll().where('video_id', '=', videoId).executeTakeFirst(),
    /** Newest first; every account's when `accountId` is null (admins). */
    recentUploads: (accountId: string | null, limit: number) => {
      let q = db.selectFrom('uploads').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
      if (accountId !== null) q = q.where('account_id', '=', accountId);
      return q.execute();
    },
    videoById: (id: string) => db.selectFrom('videos').selectAll().where('id', '=', id).executeTakeFirst(),
    markVideoReady: (id: string, v: { durationSec: number; width: number; height: number; renditions: Rendition[]; files: VideoFiles; ladder?: LadderReport }) =>
      db
        .updateTable('videos')
        .set({ status: 'ready', duration_sec: v.durationSec, width: v.width, height: v.height, renditions: JSON.stringify(v.renditions), files: JSON.stringify(v.files), ladder: v.ladder ? JSON.stringify(v.ladder) : null, error_code: null, updated_at: nowIso() })
        .where('id', '=', id)
        .execute(),
    setVideoFiles: (id: string, files: VideoFiles) => db.updateTable('videos').set({ files: JSON.stringify(files), updated_at: nowIso() }).where('id', '=', id).execute(),
    insertVideo: (row: VideoRow) => db.insertInto('videos').values(row).execute(),
    markVideoFailed: (id: string, code: string) => db.updateTable('videos').set({ status: 'failed', error_code: code, updated_at: nowIso() }).where('id', '=', id).execute(),
  };
}

export type StudioRepository = ReturnType<typeof studioRepository>;
