/**
 * Time left for a job, from the progress it has reported. Pure.
 *
 * The rate is taken over a recent window rather than since the start: stages run at different
 * speeds (per-title analysis, then the ladder, then images), and the recent rate is the best
 * guess for the stretch ahead. No estimate until the window holds enough signal: a figure
 * from two samples a second apart jumps around more than it helps.
 */

export interface ProgressSample {
  /** Epoch milliseconds the progress was recorded (the job's updatedAt). */
  atMs: number;
  /** 0..1 */
  progress: number;
}

/** The rate is measured over at most this much recent history. */
export const ETA_WINDOW_MS = 60_000;
/** At least this much time in the window... */
export const ETA_MIN_SPAN_MS = 5_000;
/** ...and at least this much progress made in it. */
export const ETA_MIN_ADVANCE = 0.02;
/** ...over at least this many samples. */
export const ETA_MIN_SAMPLES = 3;

/** Seconds to completion (whole), or null while there is not enough signal. */
export function estimateEtaSec(samples: readonly ProgressSample[]): number | null {
  // A retry starts again from 0: only the samples since progress last went backwards count.
  let from = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i]!.progress < samples[i - 1]!.progress) from = i;
  const run = samples.slice(from);
  const last = run.at(-1);
  if (!last || last.progress >= 1) return last?.progress === 1 ? 0 : null;
  const window = run.filter((s) => s.atMs >= last.atMs - ETA_WINDOW_MS);
  const first = window[0]!;
  const span = last.atMs - first.atMs;
  const advance = last.progress - first.progress;
  if (window.length < ETA_MIN_SAMPLES || span < ETA_MIN_SPAN_MS || advance < ETA_MIN_ADVANCE) return null;
  const perMs = advance / span;
  return Math.round((1 - last.progress) / perMs / 1000);
}

/** Appends a sample unless it repeats the last one, keeping only what the window can use. */
export function withSample(samples: readonly ProgressSample[], next: ProgressSample): ProgressSample[] {
  const last = samples.at(-1);
  if (last && last.atMs === next.atMs && last.progress === next.progress) return [...samples];
  return [...samples, next].filter((s) => s.atMs >= next.atMs - 2 * ETA_WINDOW_MS);
}
