import { type Kysely, sql } from 'kysely';
import { appendEvents, type NewEvent } from '../../platform/events/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import { type ProgressUpdate, isFinished, watchedBetween } from './watchState.ts';

export type ProgressRow = {
  profile_id: string;
  video_id: string;
  title_id: string;
  episode_id: string | null;
  position_sec: number;
  duration_sec: number;
  finished: number;
  dismissed: number;
  device_id: string | null;
  event_at: string;
  updated_at: string;
};
export type HistoryRow = {
  profile_id: string;
  video_id: string;
  title_id: string;
  episode_id: string | null;
  device_id: string | null;
  first_watched_at: string;
  last_watched_at: string;
  watched_sec: number;
  completed: number;
};
type ViewingTables = {
  viewing_progress: ProgressRow;
  viewing_history: HistoryRow;
  my_list: { profile_id: string; title_id: string; position: number; added_at: string };
  ratings: { profile_id: string; title_id: string; rating: number; rated_at: string };
};

export const VIEWING_EVENTS = { progress: 'viewing.progress', completed: 'viewing.completed', rated: 'viewing.rated', listChanged: 'viewing.my_list_changed', historyRemoved: 'viewing.history_removed' } as const;

const CHUNK = 200;

export function viewingRepository(base: Kysely<object>) {
  const db = base.withTables<ViewingTables>();

  return {
    /**
     * Writes one batch of coalesced updates in one transaction: progress (never moving back in
     * time), history with the time actually watched, and the events, together or not at all.
     */
    async writeProgressBatch(updates: ProgressUpdate[]): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const events: NewEvent[] = [];
        for (let i = 0; i < updates.length; i += CHUNK) {
          const chunk = updates.slice(i, i + CHUNK);
          const existing = await tx
            .selectFrom('viewing_progress')
            .select(['profile_id', 'video_id', 'position_sec', 'event_at', 'finished'])
            .where((eb) => eb(eb.refTuple('profile_id', 'video_id'), 'in', chunk.map((u) => eb.tuple(u.profileId, u.videoId))))
            .execute();
          const prev = new Map(existing.map((r) => [`${r.profile_id}\u0000${r.video_id}`, r]));
          const now = nowIso();
          const progressRows: ProgressRow[] = [];
          const historyRows: HistoryRow[] = [];
          for (const u of chunk) {
            const before = prev.get(`${u.profileId}\u0000${u.videoId}`);
            const eventAt = nowIso(u.eventAt);
            if (before && before.event_at > eventAt) continue;
            const finished = isFinished(u.positionSec, u.durationSec);
            const watched = watchedBetween(before && { positionSec: Number(before.position_sec), eventAt: Date.parse(before.event_at) }, u);
            progressRows.push({ profile_id: u.profileId, video_id: u.videoId, title_id: u.titleId, episode_id: u.episodeId, position_sec: u.positionSec, duration_sec: u.durationSec, finished: finished ? 1 : 0, dismissed: 0, device_id: u.deviceId, event_at: eventAt, updated_at: now });
            historyRows.push({ profile_id: u.profileId, video_id: u.videoId, title_id: u.titleId, episode_id: u.episodeId, device_id: u.deviceId, first_watched_at: eventAt, last_watched_at: eventAt, watched_sec: watched, completed: finished ? 1 : 0 });
            events.push({ type: VIEWING_EVENTS.progress, key: u.profileId, payload: { profileId: u.profileId, videoId: u.videoId, titleId: u.titleId, episodeId: u.episodeId, positionSec: u.positionSec, durationSec: u.durationSec, deviceId: u.deviceId, eventAt } });
            if (finished && !before?.finished) events.push({ type: VIEWING_EVENTS.completed, key: u.profileId, payload: { profileId: u.profileId, videoId: u.videoId, titleId: u.titleId, episodeId: u.episodeId, eventAt } });
          }
          if (progressRows.length === 0) continue;
          // One statement per table per chunk; the WHERE keeps a concurrent writer from moving time backwards.
          await tx
            .insertInto('viewing_progress')
            .values(progressRows)
            .onConflict((oc) =>
              oc
                .columns(['profile_id', 'video_id'])
                .doUpdateSet((eb) => ({
                  position_sec: eb.ref('excluded.position_sec'),
                  duration_sec: eb.ref('excluded.duration_sec'),
                  finished: eb.ref('excluded.finished'),
                  dismissed: 0,
                  device_id: eb.ref('excluded.device_id'),
                  event_at: eb.ref('excluded.event_at'),
                  updated_at: eb.ref('excluded.updated_at'),
                }))
                .whereRef('viewing_progress.event_at', '<=', 'excluded.event_at'),
            )
            .execute();
          await tx
            .insertInto('viewing_history')
            .values(historyRows)
            .onConflict((oc) =>
              oc.columns(['profile_id', 'video_id']).doUpdateSet((eb) => ({
                device_id: eb.ref('excluded.device_id'),
                last_watched_at: eb.ref('excluded.last_watched_at'),
                watched_sec: eb('viewing_history.watched_sec', '+', eb.ref('excluded.watched_sec')),
                completed: sql<number>`case when excluded.completed = 1 then 1 else viewing_history.completed end`,
              })),
            )
            .execute();
        }
        await appendEvents(tx as unknown as Kysely<object>, events);
      });
    },

    progressOf: (profileId: string, videoId: string) =>
      db.selectFrom('viewing_progress').selectAll().where('profile_id', '=', profileId).where('video_id', '=', videoId).executeTakeFirst(),

    recentProgress: (profileId: string, limit: number) =>
      db.selectFrom('viewing_progress').selectAll().where('profile_id', '=', profileId).where('dismissed', '=', 0).orderBy('event_at', 'desc').limit(limit).execute(),

    dismissTitle: (profileId: string, titleId: string) =>
      db.updateTable('viewing_progress').set({ dismissed: 1 }).where('profile_id', '=', profileId).where('title_id', '=', titleId).executeTakeFirst(),

    historyPage: (profileId: string, after: { lastWatchedAt: string; videoId: string } | undefined, limit: number) => {
      let q = db.selectFrom('viewing_history').selectAll().where('profile_id', '=', profileId);
      if (after) q = q.where((eb) => eb.or([eb('last_watched_at', '<', after.lastWatchedAt), eb.and([eb('last_watched_at', '=', after.lastWatchedAt), eb('video_id', '>', after.videoId)])]));
      return q.orderBy('last_watched_at', 'desc').orderBy('video_id').limit(limit).execute();
    },

    async removeHistory(profileId: string, videoId: string | undefined): Promise<number> {
      return db.transaction().execute(async (tx) => {
        let h = tx.deleteFrom('viewing_history').where('profile_id', '=', profileId);
        let p = tx.deleteFrom('viewing_progress').where('profile_id', '=', profileId);
        if (videoId) {
          h = h.where('video_id', '=', videoId);
          p = p.where('video_id', '=', videoId);
        }
        const removed = Number((await h.executeTakeFirst()).numDeletedRows);
        await p.execute();
        await appendEvents(tx as unknown as Kysely<object>, [{ type: VIEWING_EVENTS.historyRemoved, key: profileId, payload: { profileId, videoId: videoId ?? null } }]);
        return removed;
      });
    },

    myList: (profileId: string) => db.selectFrom('my_list').selectAll().where('profile_id', '=', profileId).orderBy('position').orderBy('added_at').execute(),

    async addToList(profileId: string, titleId: string): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const max = await tx.selectFrom('my_list').select(sql<number>`max(position)`.as('m')).where('profile_id', '=', profileId).executeTakeFirst();
        const res = await tx
          .insertInto('my_list')
          .values({ profile_id: profileId, title_id: titleId, position: Number(max?.m ?? 0) + 1, added_at: nowIso() })
          .onConflict((oc) => oc.columns(['profile_id', 'title_id']).doNothing())
          .executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0) > 0) await appendEvents(tx as unknown as Kysely<object>, [{ type: VIEWING_EVENTS.listChanged, key: profileId, payload: { profileId, titleId, change: 'added' } }]);
      });
    },

    async removeFromList(profileId: string, titleId: string): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const res = await tx.deleteFrom('my_list').where('profile_id', '=', profileId).where('title_id', '=', titleId).executeTakeFirst();
        if (Number(res.numDeletedRows) > 0) await appendEvents(tx as unknown as Kysely<object>, [{ type: VIEWING_EVENTS.listChanged, key: profileId, payload: { profileId, titleId, change: 'removed' } }]);
      });
    },

    async reorderList(profileId: string, titleIds: string[]): Promise<void> {
      await db.transaction().execute(async (tx) => {
        for (const [i, titleId] of titleIds.entries()) await tx.updateTable('my_list').set({ position: i + 1 }).where('profile_id', '=', profileId).where('title_id', '=', titleId).execute();
        await appendEvents(tx as unknown as Kysely<object>, [{ type: VIEWING_EVENTS.listChanged, key: profileId, payload: { profileId, change: 'reordered', titleIds } }]);
      });
    },

    async rate(profileId: string, titleId: string, rating: number | null): Promise<void> {
      await db.transaction().execute(async (tx) => {
        if (rating === null) await tx.deleteFrom('ratings').where('profile_id', '=', profileId).where('title_id', '=', titleId).execute();
        else
          await tx
            .insertInto('ratings')
            .values({ profile_id: profileId, title_id: titleId, rating, rated_at: nowIso() })
            .onConflict((oc) => oc.columns(['profile_id', 'title_id']).doUpdateSet({ rating, rated_at: nowIso() }))
            .execute();
        await appendEvents(tx as unknown as Kysely<object>, [{ type: VIEWING_EVENTS.rated, key: profileId, payload: { profileId, titleId, rating } }]);
      });
    },

    ratingOf: async (profileId: string, titleId: string) =>
      (await db.selectFrom('ratings').select('rating').where('profile_id', '=', profileId).where('title_id', '=', titleId).executeTakeFirst())?.rating ?? null,
  };
}

export type ViewingRepository = ReturnType<typeof viewingRepository>;
