/** Watched this share of a video, it counts as finished (credits roll before the end). */
export const FINISHED_SHARE = 0.95;
/** Below this share a video was only sampled, not started: it stays out of Continue Watching. */
export const STARTED_SHARE = 0.05;

export const isFinished = (positionSec: number, durationSec: number): boolean => durationSec > 0 && positionSec >= durationSec * FINISHED_SHARE;

export const isStarted = (positionSec: number, durationSec: number): boolean => durationSec > 0 && positionSec >= durationSec * STARTED_SHARE;

/** Where playback should start: where they left off, or the start once they finished it. */
export const resumePointSec = (positionSec: number, durationSec: number): number => (isFinished(positionSec, durationSec) ? 0 : Math.max(0, positionSec));

export const progressShare = (positionSec: number, durationSec: number): number =>
  durationSec > 0 ? Math.min(1, Math.max(0, positionSec / durationSec)) : 0;

export interface ProgressUpdate {
  profileId: string;
  videoId: string;
  titleId: string;
  episodeId: string | null;
  positionSec: number;
  durationSec: number;
  deviceId: string | null;
  /** When the player observed this position (ms since epoch); decides which update is newer. */
  eventAt: number;
}

/** Of two updates for one profile and video, the one observed later wins (ties: the later arrival). */
export const newerUpdate = (current: ProgressUpdate, incoming: ProgressUpdate): ProgressUpdate => (incoming.eventAt >= current.eventAt ? incoming : current);

/**
 * Seconds of actual watching between two observations: forward movement no faster than real
 * time allows (with slack for clock skew). Seeks forward and rewinds count as nothing.
 */
export function watchedBetween(prev: { positionSec: number; eventAt: number } | undefined, next: { positionSec: number; eventAt: number }): number {
  if (!prev) return 0;
  const moved = next.positionSec - prev.positionSec;
  const elapsed = (next.eventAt - prev.eventAt) / 1000;
  if (moved <= 0 || elapsed <= 0) return 0;
  return moved <= elapsed * 2 + 5 ? moved : 0;
}

export interface EpisodeRef {
  id: string;
  season: number;
  number: number;
  videoId: string | null;
}

/** The episode after `currentId` that can be played: next in the season, else the next season's first. */
export function nextEpisode(episodes: EpisodeRef[], currentId: string): EpisodeRef | undefined {
  const ordered = [...episodes].sort((a, b) => a.season - b.season || a.number - b.number);
  const at = ordered.findIndex((e) => e.id === currentId);
  if (at < 0) return undefined;
  return ordered.slice(at + 1).find((e) => e.videoId !== null);
}
