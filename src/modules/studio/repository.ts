import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/index.ts';
import type { LadderReport } from './media/encodeTitle.ts';
import type { QcReport } from './qc/verdict.ts';
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
  /** QcReport as JSON; null until QC ran (and for videos encoded before it existed). */
  qc?: string | null;
  error_code: string | null;
  created_at: string;
  updated_at: string;
};

type StudioTables = { uploads: UploadRow; videos: VideoRow };

/** Compare-and-swap rounds before an update of a video's files gives up (each loses only to another writer). */
const FILES_UPDATE_ATTEMPTS = 20;

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
    /** The upload that made the video (later uploads for it, such as dubs, come after it). */
    uploadByVideo: (videoId: string) => db.selectFrom('uploads').selectAll().where('video_id', '=', videoId).orderBy('created_at').orderBy('id').executeTakeFirst(),
    /** An upload adding to an existing video (a dub) and its job, written together or not at all. */
    async insertUpload(upload: UploadRow, enqueue: (tx: Kysely<object>) => Promise<unknown>): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('uploads').values(upload).execute();
        await enqueue(tx as unknown as Kysely<object>);
      });
    },
    /** How many videos play the package in `assetId` (demo titles share one). */
    async videosOfAsset(assetId: string): Promise<number> {
      const r = await db.selectFrom('videos').select((eb) => eb.fn.countAll<number>().as('n')).where('asset_id', '=', assetId).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** Newest first; every account's when `accountId` is null (admins). */
    recentUploads: (accountId: string | null, limit: number) => {
      let q = db.selectFrom('uploads').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
      if (accountId !== null) q = q.where('account_id', '=', accountId);
      return q.execute();
    },
    videoById: (id: string) => db.selectFrom('videos').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Encoded and stored: 'ready' to publish, or held back as 'qc_failed' (its report says why). */
    markVideoReady: (id: string, v: { durationSec: number; width: number; height: number; renditions: Rendition[]; files: VideoFiles; ladder?: LadderReport; qc?: QcReport }) =>
      db
        .updateTable('videos')
        .set({
          status: v.qc?.verdict === 'fail' ? 'qc_failed' : 'ready',
          duration_sec: v.durationSec,
          width: v.width,
          height: v.height,
          renditions: JSON.stringify(v.renditions),
          files: JSON.stringify(v.files),
          ladder: v.ladder ? JSON.stringify(v.ladder) : null,
          qc: v.qc ? JSON.stringify(v.qc) : null,
          error_code: v.qc?.verdict === 'fail' ? 'qc_failed' : null,
          updated_at: nowIso(),
        })
        .where('id', '=', id)
        .execute(),
    /** qc_failed -> ready with the override recorded in its report; false when the video was not (or no longer) qc_failed. */
    async overrideQc(id: string, qc: QcReport): Promise<boolean> {
      const r = await db.updateTable('videos').set({ status: 'ready', qc: JSON.stringify(qc), error_code: null, updated_at: nowIso() }).where('id', '=', id).where('status', '=', 'qc_failed').executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /**
     * Changes a ready video's file list without losing a change made meanwhile (a subtitle and a
     * dub finishing at once): compare-and-swap on the stored JSON, retried on the newer value.
     * Undefined when the video has no files (or no longer exists).
     */
    async updateVideoFiles(id: string, change: (files: VideoFiles) => VideoFiles): Promise<VideoFiles | undefined> {
      for (let attempt = 0; attempt < FILES_UPDATE_ATTEMPTS; attempt++) {
        const row = await db.selectFrom('videos').select('files').where('id', '=', id).executeTakeFirst();
        if (!row?.files) return undefined;
        const next = change(JSON.parse(row.files) as VideoFiles);
        const r = await db.updateTable('videos').set({ files: JSON.stringify(next), updated_at: nowIso() }).where('id', '=', id).where('files', '=', row.files).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 1) return next;
      }
      throw new Error(`the files of video ${id} kept changing; gave up after ${FILES_UPDATE_ATTEMPTS} attempts`);
    },
    insertVideo: (row: VideoRow) => db.insertInto('videos').values(row).execute(),
    markVideoFailed: (id: string, code: string) => db.updateTable('videos').set({ status: 'failed', error_code: code, updated_at: nowIso() }).where('id', '=', id).execute(),
  };
}

export type StudioRepository = ReturnType<typeof studioRepository>;
