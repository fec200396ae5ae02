import type { Kysely } from 'kysely';
import { DomainError, conflict, forbidden, invalid, notFound, notLicensed, rateLimited } from '../../platform/errors.ts';
import { isUniqueViolation, newId, nowIso } from '../../platform/db/index.ts';
import type { RateLimiter } from '../../platform/ratelimit/index.ts';
import { type CatalogService, isAvailableIn, isRatingAllowed } from '../catalog/index.ts';
import type { Caller, ProfileCaller } from '../identity/index.ts';
import type { StudioService } from '../studio/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import type { ContentKeyStore } from './contentKeys.ts';
import { type DeviceLabel, UNIDENTIFIED_DEVICE, describeDevice } from './devices.ts';
import { checkLicenceToken, licenceResponse, licenceToken, parseLicenceRequest } from './licence.ts';
import { type Protection, type RenditionLimits, type SubtitleTrack, allowedRepresentations, codecFamily, sessionLimits } from './sessionManifest.ts';
import { alternatesQuery, mediaPathPrefix } from './signedUrl.ts';
import { PLAN_LIMITS, SESSION_IDLE_SEC, retryAfterSec } from './streamLimits.ts';

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
  max_height: number | null;
  video_codecs: string | null;
};

type DeviceRow = { account_id: string; device_id: string; name: string; type: string; registered_at: string; last_seen_at: string };

export interface PlaybackStart {
  playbackId: string;
  videoId: string;
  titleId: string;
  episodeId: string | null;
  /** No HLS for protected titles (see start). */
  manifests: { dash: string; hls: string | null };
  resumePositionSec: number;
  durationSec: number;
  expiresAt: string;
  cdn: { primary: string; backups: string[] };
  /** The renditions this session's manifests list (plan and device applied), tallest first. */
  tracks: {
    video: { height: number; width: number; bitrateKbps: number; codec: string }[];
    maxHeight: number;
  };
  /** What was applied: the plan's cap, the device's, and the resulting tallest rendition. */
  limits: { maxHeight: number; planMaxHeight: number; deviceMaxHeight: number | null; videoCodecs: string[] | null };
  thumbnails: string[];
  /** Signed URL of the trick-play WebVTT track (cues `sprite_NNN.jpg#xywh=x,y,w,h`, relative to it); null for videos encoded before it existed. */
  thumbnailsVtt: string | null;
  /** Present for protected titles: where and how to ask for the content key. */
  drm?: { keySystem: 'org.w3.clearkey'; licenseUrl: string; header: typeof LICENCE_HEADER; token: string; kids: string[] };
}

export interface StartRequest {
  deviceId?: string;
  deviceName?: string;
  deviceType?: DeviceLabel['type'];
  capabilities?: { codecs?: string[]; maxHeight?: number };
}

/** A stream holding one of the account's screens, as a refused start lists it. */
export interface LiveStream {
  deviceId: string | null;
  deviceName: string;
  deviceType: DeviceLabel['type'];
  profileId: string;
  profileName: string | null;
  title: string | null;
  startedAt: string;
}

export interface RegisteredDevice {
  deviceId: string;
  name: string;
  type: DeviceLabel['type'];
  registeredAt: string;
  lastSeenAt: string;
  streaming: boolean;
}

/** Steering's choice of edge base URLs for a client region (primary first); empty when no edge is up. */
export type CdnChooser = (clientRegion: string) => Promise<string[]>;

/** The licence token travels in this header, never in a URL. */
export const LICENCE_HEADER = 'x-playback-token';
export const LICENCE_PATH = '/api/v1/playback/licence';
/** Licence requests a session, and an account, may make per minute (a player asks once per load). */
export const LICENCE_LIMITS = { perSession: 10, perAccount: 60, windowSec: 60 };

export interface PlaybackDeps {
  db: Kysely<object>;
  catalog: CatalogService;
  studio: StudioService;
  viewing: ViewingService;
  keys: ContentKeyStore;
  limiter: RateLimiter;
  /** Profile names for the "who is watching" list of a refused start. */
  profileNames?: (accountId: string) => Promise<Map<string, string>>;
  urlSecret: string;
  urlTtlSec: number;
  /** The packaged MPD of a video (`file` under its asset): which Representations the session's token may name. */
  packagedMpd: (assetId: string, file: string) => Promise<string>;
  /** Picks edges for a session; without it (or with no edges up) media comes from the origin. */
  cdn?: CdnChooser;
  clock?: () => number;
}

type Tables = { playback_sessions: SessionRow; playback_devices: DeviceRow };

export function playbackService(d: PlaybackDeps) {
  const db = d.db.withTables<Tables>();
  const clock = d.clock ?? Date.now;
  const idleCutoff = (now: number) => nowIso(now - SESSION_IDLE_SEC * 1000);

  const activeSession = async (playbackId: string, caller: Caller): Promise<SessionRow> => {
    const row = await db.selectFrom('playback_sessions').selectAll().where('id', '=', playbackId).executeTakeFirst();
    if (!row || row.account_id !== caller.accountId || row.status !== 'active') throw notFound('playback_not_found', 'No such playback, or it has ended');
    return row;
  };

  const liveSessions = (accountId: string, now: number) =>
    db.selectFrom('playback_sessions').selectAll().where('account_id', '=', accountId).where('status', '=', 'active').where('last_seen_at', '>', idleCutoff(now)).execute();

  /** The screens in use, described for a person deciding which one to stop. */
  const describeStreams = async (accountId: string, sessions: SessionRow[]): Promise<LiveStream[]> => {
    const devices = new Map((await db.selectFrom('playback_devices').selectAll().where('account_id', '=', accountId).execute()).map((r) => [r.device_id, r]));
    const profiles = (await d.profileNames?.(accountId).catch(() => undefined)) ?? new Map<string, string>();
    return Promise.all(
      sessions.map(async (s) => {
        const device = devices.get(s.device_id ?? UNIDENTIFIED_DEVICE);
        const item = await d.catalog.playableItem(s.video_id).catch(() => undefined);
        return {
          deviceId: s.device_id,
          deviceName: device?.name ?? 'Unknown device',
          deviceType: (device?.type ?? 'other') as DeviceLabel['type'],
          profileId: s.profile_id,
          profileName: profiles.get(s.profile_id) ?? null,
          title: item?.titleName ?? null,
          startedAt: s.started_at,
        };
      }),
    );
  };

  /** A device new to the account may register only while the plan has room; known devices always may. */
  const checkDevice = async (caller: ProfileCaller, deviceId: string): Promise<{ known: boolean }> => {
    const known = await db.selectFrom('playback_devices').select('device_id').where('account_id', '=', caller.accountId).where('device_id', '=', deviceId).executeTakeFirst();
    if (known) return { known: true };
    const limit = PLAN_LIMITS[caller.plan].devices;
    const count = Number((await db.selectFrom('playback_devices').select((eb) => eb.fn.countAll().as('n')).where('account_id', '=', caller.accountId).executeTakeFirstOrThrow()).n);
    if (count >= limit) {
      throw new DomainError('forbidden', 'device_limit_reached', `Your ${caller.plan} plan allows ${limit} registered devices and all are in use; remove one in your account's device list first`, { extra: { limit } });
    }
    return { known: false };
  };

  /** Registers the device on its first playback (or notes that it was seen). */
  const recordDevice = async (caller: ProfileCaller, deviceId: string, known: boolean, label: DeviceLabel, now: number): Promise<void> => {
    if (known) {
      await db.updateTable('playback_devices').set({ last_seen_at: nowIso(now) }).where('account_id', '=', caller.accountId).where('device_id', '=', deviceId).execute();
      return;
    }
    try {
      await db.insertInto('playback_devices').values({ account_id: caller.accountId, device_id: deviceId, name: label.name, type: label.type, registered_at: nowIso(now), last_seen_at: nowIso(now) }).execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  };

  return {
    /** Entitlements first (title visible, rating, region and window, device, screens), then a signed session. */
    async start(caller: ProfileCaller, videoId: string, req: StartRequest, ctx: { originUrl?: string; userAgent?: string } = {}): Promise<PlaybackStart> {
      const item = await d.catalog.playableItem(videoId);
      const video = await d.studio.video(videoId);
      if (!item || !video || !item.published) throw notFound('video_not_found', 'No such video');
      if (!isRatingAllowed(item.maturityRating, caller.profile.maturityRating)) throw forbidden('maturity_restricted', 'This title is rated above what this profile may watch');
      const now = clock();
      if (!isAvailableIn(item, caller.country, nowIso(now))) throw notLicensed('not_licensed_here', 'This title is not available in your country right now');
      if (video.status !== 'ready' || !video.files) throw conflict('video_not_ready', 'This video is still being prepared; try again shortly');

      const limits = PLAN_LIMITS[caller.plan];
      const deviceId = req.deviceId ?? UNIDENTIFIED_DEVICE;
      const device = await checkDevice(caller, deviceId);
      const live = await liveSessions(caller.accountId, now);
      // The same device starting again replaces its own stream rather than taking a new screen.
      const others = live.filter((s) => !req.deviceId || s.device_id !== req.deviceId);
      if (others.length >= limits.streams) {
        const streams = await describeStreams(caller.accountId, others);
        throw new DomainError('rate_limited', 'too_many_streams', `Your ${caller.plan} plan allows ${limits.streams} screen${limits.streams === 1 ? '' : 's'} at a time and ${streams.map((s) => s.deviceName).join(', ')} ${streams.length === 1 ? 'is' : 'are'} streaming; stop one first`, {
          retryAfterSec: retryAfterSec(others.map((s) => s.last_seen_at), now),
          extra: { limit: limits.streams, streams },
        });
      }
      await recordDevice(caller, deviceId, device.known, describeDevice(ctx.userAgent, { ...(req.deviceName ? { name: req.deviceName } : {}), ...(req.deviceType ? { type: req.deviceType } : {}) }), now);
      if (req.deviceId) {
        await db.updateTable('playback_sessions').set({ status: 'stopped' }).where('account_id', '=', caller.accountId).where('device_id', '=', req.deviceId).where('status', '=', 'active').execute();
      }

      const ladder = sessionLimits(video.renditions, limits.maxHeight, req.capabilities ?? {});
      const playbackId = newId();
      const expiresAtSec = Math.floor(now / 1000) + d.urlTtlSec;
      await db
        .insertInto('playback_sessions')
        .values({ id: playbackId, account_id: caller.accountId, profile_id: caller.profile.id, video_id: videoId, device_id: req.deviceId ?? null, status: 'active', position_sec: 0, started_at: nowIso(now), last_seen_at: nowIso(now), expires_at: nowIso(expiresAtSec * 1000), max_height: ladder.maxHeight, video_codecs: ladder.videoCodecs ? JSON.stringify(ladder.videoCodecs) : null })
        .execute();
      // The renditions above the cap are left out of the manifests and refused by every media server.
      const representations = allowedRepresentations(await d.packagedMpd(video.assetId, video.files.dash), { maxHeight: ladder.maxHeight, ...(ladder.videoCodecs ? { videoCodecs: ladder.videoCodecs } : {}) });
      const prefix = mediaPathPrefix(d.urlSecret, { playbackId, assetId: video.assetId, expiresAtSec, ...(representations ? { representations } : {}) });
      // Edges first (the manifests point at the primary), the origin as the last resort.
      const edges = (await d.cdn?.(caller.country)) ?? [];
      const primary = edges[0] ?? '';
      const alternates = ctx.originUrl ? [...edges, ctx.originUrl] : edges;
      const altQuery = edges.length > 0 ? `?${alternatesQuery(d.urlSecret, playbackId, alternates)}` : '';
      const protection = video.files.protection;
      return {
        playbackId,
        videoId,
        titleId: item.titleId,
        episodeId: item.episodeId,
        // Protected titles are CENC ('cenc' scheme) with ClearKey. HLS has no signalling for that a
        // player acts on (SAMPLE-AES-CTR wants a key system's KEYFORMAT: Shaka takes ClearKey only as
        // a raw key fetched from a URL, Safari only FairPlay with cbcs), so their HLS would not play.
        manifests: { dash: `${primary}${prefix}/${video.files.dash}${altQuery}`, hls: protection ? null : `${primary}${prefix}/${video.files.hls}${altQuery}` },
        resumePositionSec: await d.viewing.resumePositionSec(caller.profile.id, videoId),
        durationSec: video.durationSec ?? 0,
        expiresAt: nowIso(expiresAtSec * 1000),
        cdn: { primary, backups: edges.length > 0 ? alternates.slice(1) : [] },
        tracks: {
          video: video.renditions
            .filter((r) => ladder.heights.includes(r.height) && (!ladder.videoCodecs || ladder.videoCodecs.includes(codecFamily(r.codec))))
            .map((r) => ({ height: r.height, width: r.width, bitrateKbps: r.videoKbps, codec: r.codec }))
            .sort((a, b) => b.height - a.height),
          maxHeight: ladder.maxHeight,
        },
        limits: { maxHeight: ladder.maxHeight, planMaxHeight: limits.maxHeight, deviceMaxHeight: req.capabilities?.maxHeight ?? null, videoCodecs: ladder.videoCodecs ?? null },
        thumbnails: video.files.thumbnails.map((t) => `${prefix}/${t}`),
        // Fetched by the player itself (not Shaka): from this origin, like the thumbnails.
        thumbnailsVtt: video.files.trickplay ? `${prefix}/${video.files.trickplay.vtt}` : null,
        ...(protection
          ? { drm: { keySystem: 'org.w3.clearkey' as const, licenseUrl: `${ctx.originUrl ?? ''}${LICENCE_PATH}`, header: LICENCE_HEADER, token: licenceToken(d.urlSecret, playbackId), kids: [Buffer.from(protection.kid, 'hex').toString('base64url')] } }
          : {}),
      };
    },

    /**
     * Keeps the screen. A session silent past the idle window has lost its screen; it gets it
     * back only if the account has one free, else it has ended (404).
     */
    async heartbeat(caller: ProfileCaller, playbackId: string, positionSec: number): Promise<void> {
      const s = await activeSession(playbackId, caller);
      const now = clock();
      if (s.last_seen_at <= idleCutoff(now)) {
        const others = (await liveSessions(caller.accountId, now)).filter((o) => o.id !== s.id);
        if (others.length >= PLAN_LIMITS[caller.plan].streams) {
          await db.updateTable('playback_sessions').set({ status: 'stopped' }).where('id', '=', s.id).execute();
          throw notFound('playback_not_found', 'This playback timed out and its screen is now in use elsewhere');
        }
      }
      await db.updateTable('playback_sessions').set({ position_sec: positionSec, last_seen_at: nowIso(now) }).where('id', '=', s.id).execute();
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

    /**
     * ClearKey licence: keys only for a live session (active, heard from within the idle window)
     * of the calling account, only the keys of the video that session plays, rate limited per
     * session and per account.
     */
    async licence(caller: Caller, token: string | undefined, body: unknown) {
      const playbackId = checkLicenceToken(d.urlSecret, token);
      if (!playbackId) throw forbidden('playback_session_required', `Send the playback session's licence token in the ${LICENCE_HEADER} header`);
      const session = await db.selectFrom('playback_sessions').selectAll().where('id', '=', playbackId).executeTakeFirst();
      const now = clock();
      if (!session || session.account_id !== caller.accountId || session.status !== 'active' || session.last_seen_at <= idleCutoff(now)) {
        throw forbidden('playback_session_not_live', 'Keys are released only to a live playback session of this account; start playback again');
      }
      for (const [key, limit] of [[`licence:session:${playbackId}`, LICENCE_LIMITS.perSession], [`licence:account:${caller.accountId}`, LICENCE_LIMITS.perAccount]] as const) {
        const decision = await d.limiter.hit(key, limit, LICENCE_LIMITS.windowSec);
        if (!decision.allowed) throw rateLimited('licence_rate_limited', 'Too many licence requests; wait a moment', decision.retryAfterSec);
      }
      const request = parseLicenceRequest(body);
      if (!request.ok) throw invalid('invalid_licence_request', request.message, request.field);
      const video = await d.studio.video(session.video_id);
      const entitled = video?.files?.protection?.kid;
      const keys = [];
      for (const kid of request.kids) {
        const found = await d.keys.byKid(kid.toString('hex'));
        if (!found) throw notFound('key_not_found', 'No such key id');
        if (found.kid.toString('hex') !== entitled) throw forbidden('key_not_entitled', "This key is not for this session's video");
        keys.push(found);
      }
      return licenceResponse(keys, request.type);
    },

    /** What the session behind a media URL may see in its manifests, and the protection to declare. */
    async manifestView(playbackId: string): Promise<{ limits: RenditionLimits | undefined; protection: Protection | undefined; subtitles: SubtitleTrack[] } | undefined> {
      const session = await db.selectFrom('playback_sessions').select(['video_id', 'max_height', 'video_codecs']).where('id', '=', playbackId).executeTakeFirst();
      if (!session) return undefined;
      const files = (await d.studio.video(session.video_id))?.files;
      const protection = files?.protection;
      const limits = session.max_height === null ? undefined : { maxHeight: session.max_height, ...(session.video_codecs ? { videoCodecs: JSON.parse(session.video_codecs) as string[] } : {}) };
      const subtitles = (files?.subtitles ?? []).map((s) => ({ language: s.language, label: s.label, vtt: s.vtt, playlist: s.playlist }));
      return { limits, protection: protection && { kid: protection.kid, pssh: protection.pssh }, subtitles };
    },

    async devices(accountId: string): Promise<RegisteredDevice[]> {
      const now = clock();
      const [rows, live] = await Promise.all([db.selectFrom('playback_devices').selectAll().where('account_id', '=', accountId).orderBy('registered_at').execute(), liveSessions(accountId, now)]);
      const streaming = new Set(live.map((s) => s.device_id ?? UNIDENTIFIED_DEVICE));
      return rows.map((r) => ({ deviceId: r.device_id, name: r.name, type: r.type as DeviceLabel['type'], registeredAt: r.registered_at, lastSeenAt: r.last_seen_at, streaming: streaming.has(r.device_id) }));
    },

    /** Unregisters a device and ends its streams; it may register again later if the plan has room. */
    async removeDevice(accountId: string, deviceId: string): Promise<void> {
      const removed = await db.deleteFrom('playback_devices').where('account_id', '=', accountId).where('device_id', '=', deviceId).executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) throw notFound('device_not_found', 'No such device on this account');
      const sessions = db.updateTable('playback_sessions').set({ status: 'stopped' }).where('account_id', '=', accountId).where('status', '=', 'active');
      await (deviceId === UNIDENTIFIED_DEVICE ? sessions.where('device_id', 'is', null) : sessions.where('device_id', '=', deviceId)).execute();
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
