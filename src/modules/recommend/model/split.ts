import type { Rating } from './movielens.ts';

export interface UserSplit {
  userId: string;
  train: Rating[];
  test: Rating[];
}

/** Ids as numbers where both are numeric (MovieLens), else as text: a fixed order for equal timestamps. */
export const compareIds = (a: string, b: string) => {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) && x !== y ? x - y : a < b ? -1 : a > b ? 1 : 0;
};

/**
 * Per user, ratings in time order (ties by item id); the last 20% (rounded, at least one) are
 * the test set, the rest train. Users come back in id order.
 */
export function splitByTime(ratings: Rating[], testShare = 0.2): UserSplit[] {
  const byUser = new Map<string, Rating[]>();
  for (const r of ratings) {
    const list = byUser.get(r.userId);
    if (list) list.push(r);
    else byUser.set(r.userId, [r]);
  }
  return [...byUser]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([userId, list]) => {
      list.sort((a, b) => a.at - b.at || compareIds(a.itemId, b.itemId));
      const testCount = Math.max(1, Math.round(list.length * testShare));
      return { userId, train: list.slice(0, list.length - testCount), test: list.slice(list.length - testCount) };
    });
}

/** Test ratings of 4 or more. */
export const relevantOf = (split: UserSplit, threshold = 4) => new Set(split.test.filter((r) => r.rating >= threshold).map((r) => r.itemId));
