import type { ViewingSignals } from '../viewing/index.ts';
import type { HistoryEntry, Interaction } from './model/index.ts';

const DAY_MS = 86_400_000;

/**
 * How much each kind of feedback says about taste. Explicit ratings outweigh plays; a thumbs down
 * outweighs everything; a play stopped early and left for a while counts against the title.
 */
export const FEEDBACK = {
  finished: 1,
  started: 0.5,
  abandoned: -0.5,
  myList: 0.7,
  onboardingPick: 1,
  rating: { '-1': -3, '1': 1.5, '2': 2.5 } as Record<string, number>,
  /** A play below this share, untouched for `abandonAfterDays`, is abandoned. */
  abandonBelow: 0.25,
  abandonAfterDays: 7,
  /** Below this share a play is only a sample, not a signal. */
  startedFrom: 0.05,
} as const;

export interface OnboardingPick {
  profileId: string;
  titleId: string;
  at: string;
}

/**
 * One interaction per (profile, title, kind of feedback): plays of a series' episodes count once
 * per title (finished if any episode was finished). A thumbs down stands alone: whatever else the
 * profile did with the title, it said it does not want it.
 */
export function interactionsOf(signals: ViewingSignals, picks: readonly OnboardingPick[], now: number): Interaction[] {
  const out = new Map<string, Interaction>();
  const add = (profileId: string, titleId: string, kind: string, weight: number, at: number) => {
    const key = `${profileId}\u0000${titleId}\u0000${kind}`;
    const prev = out.get(key);
    if (!prev || Math.abs(weight) > Math.abs(prev.weight) || (weight === prev.weight && at > prev.at)) out.set(key, { userId: profileId, itemId: titleId, weight, at });
  };
  for (const p of signals.plays) {
    const at = Date.parse(p.at);
    if (p.finished) add(p.profileId, p.titleId, 'play', FEEDBACK.finished, at);
    else if (p.progress < FEEDBACK.abandonBelow && now - at > FEEDBACK.abandonAfterDays * DAY_MS) add(p.profileId, p.titleId, 'play', FEEDBACK.abandoned, at);
    else if (p.progress >= FEEDBACK.startedFrom) add(p.profileId, p.titleId, 'play', FEEDBACK.started, at);
  }
  for (const l of signals.myList) add(l.profileId, l.titleId, 'list', FEEDBACK.myList, Date.parse(l.at));
  for (const k of picks) add(k.profileId, k.titleId, 'pick', FEEDBACK.onboardingPick, Date.parse(k.at));
  const disliked = new Set<string>();
  for (const r of signals.ratings) {
    const weight = FEEDBACK.rating[String(r.rating)];
    if (weight === undefined) continue;
    add(r.profileId, r.titleId, 'rating', weight, Date.parse(r.at));
    if (weight < 0) disliked.add(`${r.profileId}\u0000${r.titleId}`);
  }
  return [...out.values()].filter((i) => !disliked.has(`${i.userId}\u0000${i.itemId}`) || i.weight < 0);
}

/** A profile's history for fold-in: its interactions, summed per title. */
export function historyOf(interactions: readonly Interaction[]): HistoryEntry[] {
  const byTitle = new Map<string, HistoryEntry>();
  for (const i of interactions) {
    const h = byTitle.get(i.itemId);
    if (h) {
      h.weight += i.weight;
      h.at = Math.max(h.at, i.at);
    } else byTitle.set(i.itemId, { itemId: i.itemId, weight: i.weight, at: i.at });
  }
  return [...byTitle.values()];
}

/** What the rows need to know about a profile beyond its scores. */
export interface ProfileTaste {
  history: HistoryEntry[];
  /** Movies it finished, and titles it rated down: never recommended again. */
  finished: Set<string>;
  disliked: Set<string>;
  /** Liked titles, most recent first: the seeds of "Because you watched". */
  recentLikes: string[];
  /** When it last added to My List (epoch ms), if ever. */
  lastListAddAt: number | undefined;
  /** Whether it has told us anything at all. */
  personal: boolean;
}

export function tasteOf(signals: ViewingSignals, picks: readonly OnboardingPick[], now: number): ProfileTaste {
  const interactions = interactionsOf(signals, picks, now);
  const history = historyOf(interactions);
  const disliked = new Set(interactions.filter((i) => i.weight <= FEEDBACK.rating['-1']!).map((i) => i.itemId));
  const finished = new Set(signals.plays.filter((p) => p.finished && p.episodeId === null).map((p) => p.titleId));
  const recentLikes = history.filter((h) => h.weight > 0 && !disliked.has(h.itemId)).sort((a, b) => b.at - a.at || b.weight - a.weight).map((h) => h.itemId);
  const listTimes = signals.myList.map((l) => Date.parse(l.at));
  return { history, finished, disliked, recentLikes, lastListAddAt: listTimes.length ? Math.max(...listTimes) : undefined, personal: history.length > 0 };
}
