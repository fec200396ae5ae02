import type { Kysely } from 'kysely';
import { notFound } from '../../platform/errors.ts';
import { nowIso } from '../../platform/db/index.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { isFinished, progressShare, resumePointSec } from './watchState.ts';

type ProgressRow = {
  profile_id: string;
  video_id: string;
  title_id: string;
  episode_id: string | null;
  position_sec: number;
  duration_sec: number;
  finished: number;
  updated_at: string;
};

export interface ContinueWatchingItem {
  titleId: string;
  episodeId: string | null;
  videoId: string;
  positionSec: number;
  durationSec: number;
  progress: number;
  updatedAt: string;
}

export interface HistoryItem extends ContinueWatchingItem {
  finished: boolean;
}

/** What viewing needs from the catalog: which title a video belongs to and how long it runs. */
export interface VideoLocator {
  locate(videoId: string): Promise<{ titleId: string; episodeId: string | null; durationSec: number | null } | undefined>;
}

const toItem = (r: ProgressRow): HistoryItem => ({
  titleId: r.title_id,
  episodeId: r.episode_id,
  videoId: r.video_id,
  positionSec: Number(r.position_sec),
  durationSec: Number(r.duration_sec),
  progress: progressShare(Number(r.position_sec), Number(r.duration_sec)),
  updatedAt: r.updated_at,
  finished: Boolean(r.finished),
});

export function viewingService(base: Kysely<object>, videos: VideoLocator, clock: () => number = Date.now) {
  const db = base.withTables<{ viewing_progress: ProgressRow }>();

  return {
    async recordProgress(profileId: string, input: { videoId: string; positionSec: number; durationSec?: number }): Promise<void> {
      const video = await videos.locate(input.videoId);
      if (!video) throw notFound('video_not_found', 'No such video');
      const durationSec = video.durationSec ?? input.durationSec ?? 0;
      const positionSec = durationSec > 0 ? Math.min(input.positionSec, durationSec) : input.positionSec;
      const row: ProgressRow = {
        profile_id: profileId,
        video_id: input.videoId,
        title_id: video.titleId,
        episode_id: video.episodeId,
        position_sec: positionSec,
        duration_sec: durationSec,
        finished: isFinished(positionSec, durationSec) ? 1 : 0,
        updated_at: nowIso(clock()),
      };
      await db
        .insertInto('viewing_progress')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['profile_id', 'video_id']).doUpdateSet({ position_sec: row.position_sec, duration_sec: row.duration_sec, finished: row.finished, updated_at: row.updated_at }),
        )
        .execute();
    },

    async resumePositionSec(profileId: string, videoId: string): Promise<number> {
      const row = await db.selectFrom('viewing_progress').selectAll().where('profile_id', '=', profileId).where('video_id', '=', videoId).executeTakeFirst();
      return row ? resumePointSec(Number(row.position_sec), Number(row.duration_sec)) : 0;
    },

    /** Started but not finished, newest first, one entry per title (its latest episode). */
    async continueWatching(profileId: string, limit = 20): Promise<ContinueWatchingItem[]> {
      const rows = await db
        .selectFrom('viewing_progress')
        .selectAll()
        .where('profile_id', '=', profileId)
        .where('finished', '=', 0)
        .where('position_sec', '>', 0)
        .orderBy('updated_at', 'desc')
        .limit(limit * 4)
        .execute();
      const seen = new Set<string>();
      const items: ContinueWatchingItem[] = [];
      for (const r of rows) {
        if (seen.has(r.title_id)) continue;
        seen.add(r.title_id);
        const { finished: _finished, ...item } = toItem(r);
        items.push(item);
        if (items.length === limit) break;
      }
      return items;
    },

    async history(profileId: string, cursor: string | undefined, limit = 20): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
      let q = db.selectFrom('viewing_progress').selectAll().where('profile_id', '=', profileId);
      if (cursor) {
        const [updatedAt, videoId] = decodeCursor(cursor, ['s', 's']) as [string, string];
        q = q.where((eb) => eb.or([eb('updated_at', '<', updatedAt), eb.and([eb('updated_at', '=', updatedAt), eb('video_id', '>', videoId)])]));
      }
      const rows = await q.orderBy('updated_at', 'desc').orderBy('video_id').limit(limit + 1).execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(toItem), nextCursor: rows.length > limit && last ? encodeCursor([last.updated_at, last.video_id]) : null };
    },
  };
}

export type ViewingService = ReturnType<typeof viewingService>;
