import type { Kysely } from 'kysely';
import { conflict, forbidden, notFound, notLicensed, rateLimited } from '../../platform/errors.ts';
import { newId, nowIso } from '../../platform/db/index.ts';
import { type CatalogService, isRatingAllowed } from '../catalog/index.ts';
import type { ProfileCaller } from '../identity/index.ts';
import type { StudioService } from '../studio/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import { alternatesQuery, mediaPathPrefix } from './signedUrl.ts';
import { PLAN_LIMITS, SESSION_IDLE_SEC, allowedHeights } from './streamLimits.ts';

type SessionRow = {
  id: string;
  account_id: string;
  profile_id: string;
  video_id: string;
  device_id: string | null;
  status: 'active' | 'stopped';
  position_sec: number;
  started_at: string;
  last_seen_at: string;
  expires_at: string;
};

export interface PlaybackStart {
  playbackId: string;
  videoId: string;
  titleId: string;
  episodeId: string | null;
  manifests: { dash: string; hls: string };
  resumePositionSec: number;
  durationSec: number;
  expiresAt: string;
  cdn: { primary: string; backups: string[] };
  tracks: {
    video: { height: number; width: number; bitrateKbps: number; codec: string }[];
    maxHeight: number;
  };
  thumbnails: string[];
}

export interface StartRequest {
  deviceId?: string;
  capabilities?: { codecs?: string[]; maxHeight?: number };
}

/** Steering's choice of edge base URLs for a client region (primary first); empty when no edge is up. */
export type CdnChooser = (clientRegion: string) => string[];

export interface PlaybackDeps {
  db: Kysely<object>;
  catalog: CatalogService;
  studio: StudioService;
  viewing: ViewingService;
  urlSecret: string;
  urlTtlSec: number;
  /** Picks edges for a session; without it (or with no edges up) media comes from the origin. */
  cdn?: CdnChooser;
  clock?: () => number;
}

export function playbackService(d: PlaybackDeps) {
  const db = d.db.withTables<{ playback_sessions: SessionRow }>();
  const clock = d.clock ?? Date.now;

  const activeSession = async (playbackId: string, caller: ProfileCaller): Promise<SessionRow> => {
    const row = await db.selectFrom('playback_sessions').selectAll().where('id', '=', playbackId).executeTakeFirst();
    if (!row || row.account_id !== caller.accountId || row.status !== 'active') throw notFound('playback_not_found', 'No such playback, or it has ended');
    return row;
  };

  return {
    /** Entitlements first (title visible, rating, region, screens), then a signed session. */
    async start(caller: ProfileCaller, videoId: string, req: StartRequest, ctx: { originUrl?: string } = {}): Promise<PlaybackStart> {
      const item = await d.catalog.playableItem(videoId);
      const video = await d.studio.video(videoId);
      if (!item || !video || !item.published) throw notFound('video_not_found', 'No such video');
      if (!isRatingAllowed(item.maturityRating, caller.profile.maturityRating)) throw forbidden('maturity_restricted', 'This title is rated above what this profile may watch');
      if (!item.worldwide && !item.regions.includes(caller.country)) throw notLicensed('not_licensed_here', 'This title is not available in your country');
      if (video.status !== 'ready' || !video.files) throw conflict('video_not_ready', 'This video is still being prepared; try again shortly');

      const limits = PLAN_LIMITS[caller.plan];
      const now = clock();
      const idleCutoff = nowIso(now - SESSION_IDLE_SEC * 1000);
      const live = await db
        .selectFrom('playback_sessions')
        .select(['id', 'device_id'])
        .where('account_id', '=', caller.accountId)
        .where('status', '=', 'active')
        .where('last_seen_at', '>', idleCutoff)
        .execute();
      // The same device starting again replaces its own stream rather than taking a new screen.
      const others = live.filter((s) => !req.deviceId || s.device_id !== req.deviceId);
      if (others.length >= limits.streams) {
        throw rateLimited('too_many_streams', `Your ${caller.plan} plan allows ${limits.streams} screen(s) at a time; stop another stream first`, SESSION_IDLE_SEC);
      }
      if (req.deviceId) {
        await db.updateTable('playback_sessions').set({ status: 'stopped' }).where('account_id', '=', caller.accountId).where('device_id', '=', req.deviceId).where('status', '=', 'active').execute();
      }

      const playbackId = newId();
      const expiresAtSec = Math.floor(now / 1000) + d.urlTtlSec;
      await db
        .insertInto('playback_sessions')
        .values({ id: playbackId, account_id: caller.accountId, profile_id: caller.profile.id, video_id: videoId, device_id: req.deviceId ?? null, status: 'active', position_sec: 0, started_at: nowIso(now), last_seen_at: nowIso(now), expires_at: nowIso(expiresAtSec * 1000) })
        .execute();
      const prefix = mediaPathPrefix(d.urlSecret, { playbackId, assetId: video.assetId, expiresAtSec });
      // Edges first (the manifests point at the primary), the origin as the last resort.
      const edges = d.cdn?.(caller.country) ?? [];
      const primary = edges[0] ?? '';
      const alternates = ctx.originUrl ? [...edges, ctx.originUrl] : edges;
      const dashQuery = edges.length > 0 ? `?${alternatesQuery(d.urlSecret, playbackId, alternates)}` : '';
      const heights = allowedHeights(video.renditions.map((r) => r.height), limits.maxHeight, req.capabilities?.maxHeight);
      return {
        playbackId,
        videoId,
        titleId: item.titleId,
        episodeId: item.episodeId,
        manifests: { dash: `${primary}${prefix}/${video.files.dash}${dashQuery}`, hls: `${primary}${prefix}/${video.files.hls}` },
        resumePositionSec: await d.viewing.resumePositionSec(caller.profile.id, videoId),
        durationSec: video.durationSec ?? 0,
        expiresAt: nowIso(expiresAtSec * 1000),
        cdn: { primary, backups: edges.length > 0 ? alternates.slice(1) : [] },
        tracks: {
          video: video.renditions.map((r) => ({ height: r.height, width: r.width, bitrateKbps: r.videoKbps, codec: r.codec })).sort((a, b) => b.height - a.height),
          maxHeight: Math.max(...heights),
        },
        thumbnails: video.files.thumbnails.map((t) => `${prefix}/${t}`),
      };
    },

    async heartbeat(caller: ProfileCaller, playbackId: string, positionSec: number): Promise<void> {
      const s = await activeSession(playbackId, caller);
      await db.updateTable('playback_sessions').set({ position_sec: positionSec, last_seen_at: nowIso(clock()) }).where('id', '=', s.id).execute();
      await d.viewing.recordProgress(s.profile_id, { videoId: s.video_id, positionSec });
    },

    /** Stopping twice is fine: the second stop has nothing left to do. */
    async stop(caller: ProfileCaller, playbackId: string, positionSec: number): Promise<void> {
      const row = await db.selectFrom('playback_sessions').selectAll().where('id', '=', playbackId).executeTakeFirst();
      if (!row || row.account_id !== caller.accountId) throw notFound('playback_not_found', 'No such playback');
      if (row.status === 'stopped') return;
      await db.updateTable('playback_sessions').set({ status: 'stopped', position_sec: positionSec, last_seen_at: nowIso(clock()) }).where('id', '=', playbackId).execute();
      await d.viewing.recordProgress(row.profile_id, { videoId: row.video_id, positionSec });
    },

    /** Sessions started since `since` by these profiles (or accounts): play starts and streamed time for experiment metrics. */
    async sessionsOf(q: { profileIds?: string[]; accountIds?: string[]; since: string }): Promise<{ accountId: string; profileId: string; videoId: string; startedAt: string; lastSeenAt: string }[]> {
      const ids = q.profileIds ?? q.accountIds ?? [];
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('playback_sessions')
        .select(['account_id', 'profile_id', 'video_id', 'started_at', 'last_seen_at'])
        .where(q.profileIds ? 'profile_id' : 'account_id', 'in', ids)
        .where('started_at', '>=', q.since)
        .execute();
      return rows.map((r) => ({ accountId: r.account_id, profileId: r.profile_id, videoId: r.video_id, startedAt: r.started_at, lastSeenAt: r.last_seen_at }));
    },
  };
}

export type PlaybackService = ReturnType<typeof playbackService>;
