/** Watched this share of a video, it counts as finished (credits roll before the end). */
export const FINISHED_SHARE = 0.95;

export const isFinished = (positionSec: number, durationSec: number): boolean => durationSec > 0 && positionSec >= durationSec * FINISHED_SHARE;

/** Where playback should start: where they left off, or the start once they finished it. */
export const resumePointSec = (positionSec: number, durationSec: number): number => (isFinished(positionSec, durationSec) ? 0 : Math.max(0, positionSec));

export const progressShare = (positionSec: number, durationSec: number): number =>
  durationSec > 0 ? Math.min(1, Math.max(0, positionSec / durationSec)) : 0;
