// Shapes from /work/shared/api.md ("fields that clients rely on"). Loose where the contract is loose.

export type Named = string | { id?: string; name: string; character?: string };

export interface Profile {
  id: string;
  name: string;
  kids: boolean;
  maturityRating?: string;
  language?: string;
  avatarUrl?: string | null;
}

export interface Artwork {
  poster?: string | null;
  backdrop?: string | null;
}

export interface TitleSummary {
  id: string;
  type: 'movie' | 'series';
  name: string;
  year?: number | null;
  genres?: Named[];
  maturityRating?: string | null;
  popularity?: number;
  artwork?: Artwork | null;
  /** Continue-watching rows only: fraction watched, 0..1. */
  progress?: number;
  /** Continue-watching rows only: the exact video (movie or episode) to resume. */
  videoId?: string | null;
  /** Continue-watching rows only: the episode that video belongs to (series). */
  episodeId?: string | null;
  /** Continue-watching rows only: the next episode after one the profile finished. */
  upNext?: boolean;
}

export interface Episode {
  id: string;
  number: number;
  name: string;
  synopsis?: string;
  durationSec?: number | null;
  videoId?: string | null;
}

export interface Season {
  number: number;
  name?: string;
  episodes: Episode[];
}

export interface Title extends TitleSummary {
  synopsis?: string;
  cast?: Named[];
  directors?: Named[];
  durationSec?: number | null;
  videoId?: string | null;
  seasons?: Season[];
}

export interface HomeRow {
  id: string;
  kind: string;
  title: string;
  /** Why the row is on this profile's page. */
  reason?: string;
  items: (TitleSummary & { rank?: number })[];
}

/** GET /api/v1/history: one video the profile watched (its last device). */
export interface HistoryItem {
  titleId: string;
  episodeId: string | null;
  videoId: string;
  deviceId: string | null;
  firstWatchedAt: string;
  lastWatchedAt: string;
  watchedSec: number;
  completed: boolean;
  title: TitleSummary | null;
}

/** GET /api/v1/continue-watching. */
export interface ContinueWatchingItem {
  titleId: string;
  episodeId?: string | null;
  videoId: string;
  positionSec: number;
  durationSec: number;
  progress: number;
  updatedAt?: string;
  upNext?: boolean;
  title?: TitleSummary;
}

export type Rating = -1 | 1 | 2;

export interface Genre {
  id: string;
  name: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface AuthTokens {
  accountId?: string;
  accessToken: string;
  refreshToken: string;
}

export interface PlaybackStart {
  playbackId: string;
  manifests: { dash?: string; hls?: string };
  resumePositionSec?: number;
  /** Not in api.md; Marquee's server sends it. */
  durationSec?: number;
  expiresAt?: string;
  /** Not in api.md: the ladder and the tallest rendition the plan + device allow. Manifests list every rung. */
  tracks?: { video?: { height: number; width: number; bitrateKbps: number; codec: string }[]; maxHeight?: number };
  cdn?: { primary?: string; backups?: string[] };
  /** Trick-play thumbnails (WebVTT, `sprite_NNN.jpg#xywh=…` cues); null for videos encoded before them. */
  thumbnailsVtt?: string | null;
  /** Protected titles: the ClearKey licence endpoint and the session's licence token (sent in `header`). */
  drm?: { keySystem: string; licenseUrl: string; header: string; token: string; kids?: string[] };
}

export function nameOf(n: Named): string {
  return typeof n === 'string' ? n : n.name;
}
