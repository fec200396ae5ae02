import { invalid, notFound } from '../../platform/errors.ts';
import { type GroupCommit, groupCommit } from '../../platform/groupCommit.ts';
import { decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import type { CatalogViewer, TitleSummary } from '../catalog/index.ts';
import { profileCache } from './profileCache.ts';
import type { HistoryRow, ProgressRow, ViewingRepository } from './repository.ts';
import { type EpisodeRef, type ProgressUpdate, isFinished, isStarted, newerUpdate, nextEpisode, progressShare, resumePointSec } from './watchState.ts';

export interface ContinueWatchingItem {
  titleId: string;
  episodeId: string | null;
  videoId: string;
  positionSec: number;
  durationSec: number;
  progress: number;
  updatedAt: string;
  /** True when this is the next episode after one they finished. */
  upNext: boolean;
}

export interface HistoryItem {
  titleId: string;
  episodeId: string | null;
  videoId: string;
  deviceId: string | null;
  firstWatchedAt: string;
  lastWatchedAt: string;
  watchedSec: number;
  completed: boolean;
}

/** What viewing needs from the catalog. */
export interface VideoLocator {
  locate(videoId: string): Promise<{ titleId: string; episodeId: string | null; durationSec: number | null } | undefined>;
  episodesOf(titleId: string): Promise<EpisodeRef[]>;
  titleExists(titleId: string): Promise<boolean>;
  /** Summaries of the titles this viewer may see now, in the order asked for. */
  titlesFor(titleIds: string[], viewer: CatalogViewer): Promise<TitleSummary[]>;
}

export type ContinueWatchingRowItem = ContinueWatchingItem & { title: TitleSummary };

export interface ProgressInput {
  videoId: string;
  positionSec: number;
  durationSec?: number;
  deviceId?: string;
  /** When the player saw this position; defaults to when the server received it. */
  at?: string;
}

const toHistoryItem = (r: HistoryRow): HistoryItem => ({
  titleId: r.title_id,
  episodeId: r.episode_id,
  videoId: r.video_id,
  deviceId: r.device_id,
  firstWatchedAt: r.first_watched_at,
  lastWatchedAt: r.last_watched_at,
  watchedSec: Math.round(Number(r.watched_sec) * 10) / 10,
  completed: Boolean(r.completed),
});

/** What viewers did, as the recommender reads it: a play per video (position of duration), ratings, My List. */
export interface ViewingSignals {
  plays: { profileId: string; titleId: string; episodeId: string | null; progress: number; finished: boolean; at: string }[];
  ratings: { profileId: string; titleId: string; rating: number; at: string }[];
  myList: { profileId: string; titleId: string; at: string }[];
}

const toSignals = (rows: Awaited<ReturnType<ViewingRepository['signalRows']>>): ViewingSignals => ({
  plays: rows.progress.map((r) => ({ profileId: r.profile_id, titleId: r.title_id, episodeId: r.episode_id, progress: progressShare(Number(r.position_sec), Number(r.duration_sec)), finished: Boolean(r.finished), at: r.event_at })),
  ratings: rows.ratings.map((r) => ({ profileId: r.profile_id, titleId: r.title_id, rating: Number(r.rating), at: r.rated_at })),
  myList: rows.list.map((r) => ({ profileId: r.profile_id, titleId: r.title_id, at: r.added_at })),
});

const CW_LIMIT = 20;
/**
 * How long a cached Continue Watching row may be kept. The profile's own changes and title changes
 * made through this process drop it at once; this bounds the rest: licensing windows that open or
 * close with the clock, and changes that went through another API process.
 */
const CW_CACHE_TTL_MS = 5_000;

export function viewingService(repo: ViewingRepository, videos: VideoLocator, clock: () => number = Date.now) {
  // Videos don't move between titles once published: a bounded memo spares a catalog read per update.
  const located = new Map<string, { titleId: string; episodeId: string | null; durationSec: number | null }>();
  const locate = async (videoId: string) => {
    const hit = located.get(videoId);
    if (hit) return hit;
    const found = await videos.locate(videoId);
    if (found && found.durationSec !== null) {
      if (located.size > 50_000) located.delete(located.keys().next().value!);
      located.set(videoId, found);
    }
    return found;
  };

  // Continue Watching is read far more often than it changes; a profile's own writes invalidate it.
  const cwCache = profileCache<ContinueWatchingItem[]>({ maxProfiles: 100_000, ttlMs: CW_CACHE_TTL_MS, clock });
  const cwRows = profileCache<ContinueWatchingRowItem[]>({ maxProfiles: 100_000, ttlMs: CW_CACHE_TTL_MS, clock });
  const invalidate = (profileId: string) => {
    cwCache.forget(profileId);
    cwRows.forget(profileId);
  };

  const writer: GroupCommit<ProgressUpdate> = groupCommit<ProgressUpdate>({
    keyOf: (u) => `${u.profileId}\u0000${u.videoId}`,
    merge: newerUpdate,
    write: async (batch) => {
      await repo.writeProgressBatch(batch);
      for (const u of batch) invalidate(u.profileId);
    },
    maxBatch: 1000,
    maxDelayMs: 0,
  });

  const buildContinueWatching = async (profileId: string): Promise<ContinueWatchingItem[]> => {
    const rows = await repo.recentProgress(profileId, CW_LIMIT * 5);
    const latestPerTitle = new Map<string, ProgressRow>();
    for (const r of rows) if (!latestPerTitle.has(r.title_id)) latestPerTitle.set(r.title_id, r);
    const items: ContinueWatchingItem[] = [];
    for (const r of latestPerTitle.values()) {
      const position = Number(r.position_sec);
      const duration = Number(r.duration_sec);
      if (!isFinished(position, duration)) {
        if (isStarted(position, duration)) items.push({ titleId: r.title_id, episodeId: r.episode_id, videoId: r.video_id, positionSec: position, durationSec: duration, progress: progressShare(position, duration), updatedAt: r.event_at, upNext: false });
      } else if (r.episode_id) {
        const next = nextEpisode(await videos.episodesOf(r.title_id), r.episode_id);
        if (next?.videoId) items.push({ titleId: r.title_id, episodeId: next.id, videoId: next.videoId, positionSec: 0, durationSec: 0, progress: 0, updatedAt: r.event_at, upNext: true });
      }
      if (items.length === CW_LIMIT) break;
    }
    return items;
  };

  const continueWatchingOf = (profileId: string) => cwCache.get(profileId, '', () => buildContinueWatching(profileId));

  return {
    /** Resolves once the update is committed: a 202 after this survives a crash. */
    async recordProgress(profileId: string, input: ProgressInput): Promise<void> {
      const video = await locate(input.videoId);
      if (!video) throw notFound('video_not_found', 'No such video');
      const durationSec = video.durationSec ?? input.durationSec ?? 0;
      // A little slack: players report the last frame's end, a hair past the container duration.
      if (durationSec > 0 && input.positionSec > durationSec + 1) throw invalid('position_beyond_duration', `positionSec is past the end of the video (${durationSec.toFixed(1)} s)`, 'positionSec');
      const eventAt = input.at ? Date.parse(input.at) : clock();
      if (!Number.isFinite(eventAt) || eventAt > clock() + 60_000) throw invalid('invalid_timestamp', 'at must be an ISO-8601 time, not in the future', 'at');
      await writer.submit({
        profileId,
        videoId: input.videoId,
        titleId: video.titleId,
        episodeId: video.episodeId,
        positionSec: Math.min(input.positionSec, durationSec || input.positionSec),
        durationSec,
        deviceId: input.deviceId ?? null,
        eventAt,
      });
    },

    flush: () => writer.flush(),

    async resumePositionSec(profileId: string, videoId: string): Promise<number> {
      const row = await repo.progressOf(profileId, videoId);
      return row ? resumePointSec(Number(row.position_sec), Number(row.duration_sec)) : 0;
    },

    /** Started (past 5%) and unfinished, or the next episode after a finished one; newest first. */
    async continueWatching(profileId: string, limit = CW_LIMIT): Promise<ContinueWatchingItem[]> {
      return (await continueWatchingOf(profileId)).slice(0, limit);
    },

    /** The Continue Watching row with each title as this viewer may see it; titles it may no longer see (rating, region) drop out. */
    continueWatchingRow(profileId: string, viewer: CatalogViewer): Promise<ContinueWatchingRowItem[]> {
      return cwRows.get(profileId, `${viewer.maxMaturityRating}\u0000${viewer.country}`, async () => {
        const items = await continueWatchingOf(profileId);
        const titles = new Map((await videos.titlesFor(items.map((i) => i.titleId), viewer)).map((t) => [t.id, t]));
        return items.flatMap((i) => (titles.has(i.titleId) ? [{ ...i, title: titles.get(i.titleId)! }] : []));
      });
    },

    /** A title changed (episodes, artwork, licensing): rows built from it are stale. */
    titlesChanged(): void {
      cwCache.clear();
      cwRows.clear();
    },

    async dismiss(profileId: string, titleId: string): Promise<void> {
      await repo.dismissTitle(profileId, titleId);
      invalidate(profileId);
    },

    async history(profileId: string, cursor: string | undefined, limit = 20): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
      const after = cursor ? decodeCursor(cursor, ['s', 's']) : undefined;
      const rows = await repo.historyPage(profileId, after && { lastWatchedAt: String(after[0]), videoId: String(after[1]) }, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(toHistoryItem), nextCursor: rows.length > limit && last ? encodeCursor([last.last_watched_at, last.video_id]) : null };
    },

    /** Every history entry, newest first, for export. */
    async fullHistory(profileId: string): Promise<HistoryItem[]> {
      return (await repo.historyPage(profileId, undefined, 1_000_000)).map(toHistoryItem);
    },

    async removeHistory(profileId: string, videoId?: string): Promise<void> {
      await writer.flush();
      const removed = await repo.removeHistory(profileId, videoId);
      invalidate(profileId);
      if (videoId && removed === 0) throw notFound('history_item_not_found', 'No such item in this profile’s history');
    },

    async myListIds(profileId: string): Promise<string[]> {
      return (await repo.myList(profileId)).map((r) => r.title_id);
    },

    async addToMyList(profileId: string, titleId: string): Promise<void> {
      if (!(await videos.titleExists(titleId))) throw notFound('title_not_found', 'No such title');
      await repo.addToList(profileId, titleId);
    },

    removeFromMyList: (profileId: string, titleId: string) => repo.removeFromList(profileId, titleId),

    /**
     * Puts the named titles first, in the given order; titles not named (say, ones this profile can
     * no longer see) keep their order after them. Every name must be on the list, once.
     */
    async reorderMyList(profileId: string, titleIds: string[]): Promise<void> {
      const current = await this.myListIds(profileId);
      const onList = new Set(current);
      if (new Set(titleIds).size !== titleIds.length || !titleIds.every((id) => onList.has(id))) {
        throw invalid('order_mismatch', 'titleIds must name titles on My List, each once', 'titleIds');
      }
      const named = new Set(titleIds);
      await repo.reorderList(profileId, [...titleIds, ...current.filter((id) => !named.has(id))]);
    },

    async rate(profileId: string, titleId: string, rating: -1 | 1 | 2 | null): Promise<void> {
      if (!(await videos.titleExists(titleId))) throw notFound('title_not_found', 'No such title');
      await repo.rate(profileId, titleId, rating);
    },

    ratingOf: (profileId: string, titleId: string) => repo.ratingOf(profileId, titleId),

    /** One profile's plays, ratings and list, for the recommender; pending progress is written first. */
    async signals(profileId: string): Promise<ViewingSignals> {
      await writer.flush();
      return toSignals(await repo.signalRows(profileId));
    },

    /** Every profile's plays, ratings and list, for training. */
    async allSignals(): Promise<ViewingSignals> {
      await writer.flush();
      return toSignals(await repo.signalRows());
    },
  };
}

export type ViewingService = ReturnType<typeof viewingService>;
