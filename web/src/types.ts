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
  items: TitleSummary[];
}

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
  drm?: Record<string, unknown>;
}

export function nameOf(n: Named): string {
  return typeof n === 'string' ? n : n.name;
}
