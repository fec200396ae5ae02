/** A positive event for trending: someone in `country` engaged with a title at `at` (epoch ms). */
export interface TrendingEvent {
  titleId: string;
  country: string;
  weight: number;
  at: number;
}

export interface Trend {
  titleId: string;
  score: number;
}

/** Every country's events also count here, so a country with little activity borrows the world's. */
export const WORLDWIDE = '*';

/**
 * Trending per country: each event's weight halves every `halfLifeHours` of age, summed per title.
 * Events in the future (clock skew) count as now. Ties go to the title id so results are stable.
 */
export function trendingByCountry(events: Iterable<TrendingEvent>, now: number, halfLifeHours: number, limit: number): Map<string, Trend[]> {
  const sums = new Map<string, Map<string, number>>();
  const add = (country: string, titleId: string, v: number) => {
    let m = sums.get(country);
    if (!m) sums.set(country, (m = new Map()));
    m.set(titleId, (m.get(titleId) ?? 0) + v);
  };
  for (const e of events) {
    if (e.weight <= 0) continue;
    const ageHours = Math.max(0, now - e.at) / 3_600_000;
    const v = e.weight * 0.5 ** (ageHours / halfLifeHours);
    add(e.country, e.titleId, v);
    if (e.country !== WORLDWIDE) add(WORLDWIDE, e.titleId, v);
  }
  const out = new Map<string, Trend[]>();
  for (const [country, m] of sums) {
    out.set(country, [...m].map(([titleId, score]) => ({ titleId, score })).sort((a, b) => b.score - a.score || (a.titleId < b.titleId ? -1 : 1)).slice(0, limit));
  }
  return out;
}

/**
 * A country's trending list, topped up from the worldwide one when the country has fewer than
 * `want` titles of its own (a small market still gets a full row).
 */
export function trendingFor(trends: ReadonlyMap<string, Trend[]>, country: string, want: number): Trend[] {
  const own = trends.get(country) ?? [];
  if (own.length >= want) return own;
  const seen = new Set(own.map((t) => t.titleId));
  const floor = own.at(-1)?.score ?? Infinity;
  // Borrowed titles rank below the country's own.
  const borrowed = (trends.get(WORLDWIDE) ?? []).filter((t) => !seen.has(t.titleId)).map((t) => ({ titleId: t.titleId, score: Math.min(t.score, floor) * 0.5 }));
  return [...own, ...borrowed];
}
