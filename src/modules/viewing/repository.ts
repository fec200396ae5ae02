import { type Kysely, sql } from 'kysely';
import { appendEvents, type NewEvent } from '../../platform/events/index.ts';
import { type SqlEngine, engineOf, nowIso } from '../../platform/db/index.ts';
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

type ColumnType = 'text' | 'real' | 'integer';
const KEY_COLUMNS = { profile_id: 'text', video_id: 'text' } as const;
const PROGRESS_COLUMNS = { ...KEY_COLUMNS, title_id: 'text', episode_id: 'text', position_sec: 'real', duration_sec: 'real', finished: 'integer', device_id: 'text', event_at: 'text', updated_at: 'text' } as const;
const HISTORY_COLUMNS = { ...KEY_COLUMNS, title_id: 'text', episode_id: 'text', device_id: 'text', first_watched_at: 'text', last_watched_at: 'text', watched_sec: 'real', completed: 'integer' } as const;

/**
 * A batch of rows as one JSON parameter that a statement reads as the table `j`. The statement
 * text stays the same whatever the batch size, so it is short to build and to parse; a multi-row
 * VALUES list costs more in query building and parsing than the database spends writing it.
 */
function jsonTable<C extends Record<string, ColumnType>>(engine: SqlEngine, columns: C, rows: { [K in keyof C]: unknown }[]) {
  const names = Object.keys(columns);
  const json = JSON.stringify(rows);
  return engine === 'postgres'
    ? sql`jsonb_to_recordset(${json}::jsonb) as j(${sql.raw(names.map((c) => `${c} ${columns[c]}`).join(', '))})`
    : sql`(select ${sql.raw(names.map((c) => `value ->> '$.${c}' as ${c}`).join(', '))} from json_each(${json})) as j`;
}

/** How long a batch waits for another process's write to end, and how often it looks again. */
const WRITE_LOCK_WAIT_MS = 5_000;
const WRITE_LOCK_RETRY_MS = 1;

/**
 * BEGIN IMMEDIATE without SQLite's busy handler, which would sleep on the event loop (the whole
 * process stands still) while another process holds the write lock: false when the lock is taken
 * and `mayWait`; once waiting is over, the connection's own busy timeout decides.
 */
async function beginImmediateOrBusy(conn: Kysely<ViewingTables>, mayWait: boolean): Promise<boolean> {
  if (!mayWait) {
    await sql`begin immediate`.execute(conn);
    return true;
  }
  const [busyTimeout] = (await sql<{ timeout: number }>`pragma busy_timeout`.execute(conn)).rows;
  await sql`pragma busy_timeout = 0`.execute(conn);
  try {
    await sql`begin immediate`.execute(conn);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw err;
  } finally {
    await sql.raw(`pragma busy_timeout = ${Number(busyTimeout?.timeout ?? 0)}`).execute(conn);
  }
}

export function viewingRepository(base: Kysely<object>) {
  const db = base.withTables<ViewingTables>();
  const engine = engineOf(base);

  /**
   * A transaction that reads and then writes. On SQLite it takes the write lock at BEGIN: one that
   * began as a reader cannot become a writer once another process (a second API process, a worker)
   * has committed in between, and fails at once whatever the busy timeout.
   */
  const readWriteTransaction = async <T>(fn: (tx: Kysely<ViewingTables>) => Promise<T>): Promise<T> => {
    if (engine === 'postgres') return db.transaction().execute(fn);
    const started = Date.now();
    for (;;) {
      const outcome = await db.connection().execute(async (conn) => {
        if (!(await beginImmediateOrBusy(conn, Date.now() - started < WRITE_LOCK_WAIT_MS))) return undefined;
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return { result };
        } catch (err) {
          await sql`rollback`.execute(conn);
          throw err;
        }
      });
      if (outcome) return outcome.result;
      // Another process is writing: wait for it off the event loop, with the connection free for reads.
      await new Promise((resolve) => setTimeout(resolve, WRITE_LOCK_RETRY_MS));
    }
  };

  return {
    /**
     * Writes one batch of coalesced updates in one transaction: progress (never moving back in
     * time), history with the time actually watched, and the events, together or not at all.
     */
    async writeProgressBatch(updates: ProgressUpdate[]): Promise<void> {
      await readWriteTransaction(async (tx) => {
        const keys = jsonTable(engine, KEY_COLUMNS, updates.map((u) => ({ profile_id: u.profileId, video_id: u.videoId })));
        const existing = await sql<Pick<ProgressRow, 'profile_id' | 'video_id' | 'position_sec' | 'event_at' | 'finished'>>`
          select p.profile_id, p.video_id, p.position_sec, p.event_at, p.finished
          from ${keys} join viewing_progress p on p.profile_id = j.profile_id and p.video_id = j.video_id`.execute(tx);
        const prev = new Map(existing.rows.map((r) => [`${r.profile_id}\u0000${r.video_id}`, r]));
        const now = nowIso();
        const progressRows: Omit<ProgressRow, 'dismissed'>[] = [];
        const historyRows: HistoryRow[] = [];
        const events: NewEvent[] = [];
        for (const u of updates) {
          const before = prev.get(`${u.profileId}\u0000${u.videoId}`);
          const eventAt = nowIso(u.eventAt);
          if (before && before.event_at > eventAt) continue;
          const finished = isFinished(u.positionSec, u.durationSec);
          const watched = watchedBetween(before && { positionSec: Number(before.position_sec), eventAt: Date.parse(before.event_at) }, u);
          progressRows.push({ profile_id: u.profileId, video_id: u.videoId, title_id: u.titleId, episode_id: u.episodeId, position_sec: u.positionSec, duration_sec: u.durationSec, finished: finished ? 1 : 0, device_id: u.deviceId, event_at: eventAt, updated_at: now });
          historyRows.push({ profile_id: u.profileId, video_id: u.videoId, title_id: u.titleId, episode_id: u.episodeId, device_id: u.deviceId, first_watched_at: eventAt, last_watched_at: eventAt, watched_sec: watched, completed: finished ? 1 : 0 });
          events.push({ type: VIEWING_EVENTS.progress, key: u.profileId, payload: { profileId: u.profileId, videoId: u.videoId, titleId: u.titleId, episodeId: u.episodeId, positionSec: u.positionSec, durationSec: u.durationSec, deviceId: u.deviceId, eventAt } });
          if (finished && !before?.finished) events.push({ type: VIEWING_EVENTS.completed, key: u.profileId, payload: { profileId: u.profileId, videoId: u.videoId, titleId: u.titleId, episodeId: u.episodeId, eventAt } });
        }
        if (progressRows.length > 0) {
          // The WHERE keeps a concurrent writer (another process) from moving time backwards.
          await sql`
            insert into viewing_progress (profile_id, video_id, title_id, episode_id, position_sec, duration_sec, finished, dismissed, device_id, event_at, updated_at)
            select profile_id, video_id, title_id, episode_id, position_sec, duration_sec, finished, 0, device_id, event_at, updated_at
            from ${jsonTable(engine, PROGRESS_COLUMNS, progressRows)} where true
            on conflict (profile_id, video_id) do update set
              position_sec = excluded.position_sec, duration_sec = excluded.duration_sec, finished = excluded.finished, dismissed = 0,
              device_id = excluded.device_id, event_at = excluded.event_at, updated_at = excluded.updated_at
            where viewing_progress.event_at <= excluded.event_at`.execute(tx);
          await sql`
            insert into viewing_history (profile_id, video_id, title_id, episode_id, device_id, first_watched_at, last_watched_at, watched_sec, completed)
            select profile_id, video_id, title_id, episode_id, device_id, first_watched_at, last_watched_at, watched_sec, completed
            from ${jsonTable(engine, HISTORY_COLUMNS, historyRows)} where true
            on conflict (profile_id, video_id) do update set
              device_id = excluded.device_id, last_watched_at = excluded.last_watched_at,
              watched_sec = viewing_history.watched_sec + excluded.watched_sec,
              completed = case when excluded.completed = 1 then 1 else viewing_history.completed end`.execute(tx);
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

    /** What the recommender learns from: one profile's (or, without one, every profile's) progress, ratings and list. */
    async signalRows(profileId?: string) {
      let progress = db.selectFrom('viewing_progress').select(['profile_id', 'title_id', 'episode_id', 'position_sec', 'duration_sec', 'finished', 'event_at']);
      let ratings = db.selectFrom('ratings').select(['profile_id', 'title_id', 'rating', 'rated_at']);
      let list = db.selectFrom('my_list').select(['profile_id', 'title_id', 'added_at']);
      if (profileId !== undefined) {
        progress = progress.where('profile_id', '=', profileId);
        ratings = ratings.where('profile_id', '=', profileId);
        list = list.where('profile_id', '=', profileId);
      }
      const [p, r, l] = await Promise.all([progress.execute(), ratings.execute(), list.execute()]);
      return { progress: p, ratings: r, list: l };
    },

    ratingOf: async (profileId: string, titleId: string) =>
      (await db.selectFrom('ratings').select('rating').where('profile_id', '=', profileId).where('title_id', '=', titleId).executeTakeFirst())?.rating ?? null,
  };
}

export type ViewingRepository = ReturnType<typeof viewingRepository>;
