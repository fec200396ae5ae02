import type { QuerySlot } from './textIndex.ts';

/**
 * Ranking, as pure functions. A result's score is, in order of weight: how many query words it
 * matched (coverage), how well (field weight times match quality, plus exact-title and phrase
 * bonuses), then popularity, recency and the profile's taste. Equal scores fall back to
 * popularity, then name, then id, so the order is always the same.
 */
export const COVERAGE_WEIGHT = 50;
export const EXACT_NAME_BONUS = 12;
export const NAME_START_BONUS = 6;
export const NAME_PHRASE_BONUS = 3;
export const MAX_POPULARITY_BOOST = 3;
export const MAX_RECENCY_BOOST = 1;
export const MAX_AFFINITY_BOOST = 4;

const ARTICLES = new Set(['the', 'a', 'an']);

/** A name prepared once for `nameBonus`: its words, run together, and without a leading article. */
export interface NameShape {
  terms: readonly string[];
  joined: string;
  core: readonly string[];
  coreJoined: string;
}

export function nameShape(terms: readonly string[]): NameShape {
  const core = terms.length > 1 && ARTICLES.has(terms[0]!) ? terms.slice(1) : terms;
  return { terms, joined: terms.join(''), core, coreJoined: core.join('') };
}

/**
 * Bonus for matching a name as a whole, at its start, or as a phrase inside it; scaled by the
 * weakest word match. `typedJoined` is the query's words run together, so "toystory" counts as
 * the exact name "Toy Story". A leading article on the name is optional.
 */
export function nameBonus(name: NameShape, slots: readonly QuerySlot[], typedJoined: string): number {
  const n = slots.length;
  if (n === 0 || name.terms.length === 0) return 0;
  if (name.joined === typedJoined || name.coreJoined === typedJoined) return EXACT_NAME_BONUS;
  if (n === 1) {
    // One word can only earn the whole-name or name-start bonus: two lookups, not a scan.
    const terms = slots[0]!.terms;
    const q = Math.max(terms.get(name.terms[0]!) ?? 0, terms.get(name.core[0]!) ?? 0);
    if (q === 0) return 0;
    const whole = name.core.length === 1 && (terms.get(name.core[0]!) ?? 0) === q;
    return (whole ? EXACT_NAME_BONUS : NAME_START_BONUS) * q;
  }
  const best = phraseIn(name.terms, slots);
  return name.core === name.terms ? best : Math.max(best, phraseIn(name.core, slots));
}

/** The best whole-name, name-start or phrase bonus of the (n > 1) slots in a row within `terms`. */
function phraseIn(terms: readonly string[], slots: readonly QuerySlot[]): number {
  const n = slots.length;
  let best = 0;
  for (let start = 0; start + n <= terms.length; start++) {
    let q = 1;
    for (let k = 0; k < n && q > 0; k++) q = Math.min(q, slots[k]!.terms.get(terms[start + k]!) ?? 0);
    if (q === 0) continue;
    const bonus = start === 0 && n === terms.length ? EXACT_NAME_BONUS : start === 0 ? NAME_START_BONUS : NAME_PHRASE_BONUS;
    best = Math.max(best, bonus * q);
  }
  return best;
}

/** 0..MAX on a log scale relative to the most popular title. */
export const popularityBoost = (popularity: number, maxPopularity: number): number =>
  maxPopularity > 0 && popularity > 0 ? (MAX_POPULARITY_BOOST * Math.log1p(popularity)) / Math.log1p(maxPopularity) : 0;

/** Full for this year's titles, fading to nothing over 25 years. */
export const recencyBoost = (year: number | null, currentYear: number): number =>
  year === null ? 0 : MAX_RECENCY_BOOST * Math.min(1, Math.max(0, 1 - (currentYear - year) / 25));

/** A profile's taste: weights in 0..1 for genre ids and people (folded names). */
export interface Affinity {
  genres: ReadonlyMap<string, number>;
  people: ReadonlyMap<string, number>;
}

export const NO_AFFINITY: Affinity = { genres: new Map(), people: new Map() };

/** Taste from the titles a profile watched (most recent first; recent ones count more). */
export function affinityFrom(watched: readonly { genres: readonly string[]; people: readonly string[] }[]): Affinity {
  const genres = new Map<string, number>();
  const people = new Map<string, number>();
  watched.forEach((t, i) => {
    const w = 1 / (1 + i / 10);
    for (const g of t.genres) genres.set(g, (genres.get(g) ?? 0) + w);
    for (const p of t.people) people.set(p, (people.get(p) ?? 0) + w);
  });
  const normalise = (m: Map<string, number>) => {
    const max = Math.max(0, ...m.values());
    for (const [k, v] of m) m.set(k, max > 0 ? v / max : 0);
    return m;
  };
  return { genres: normalise(genres), people: normalise(people) };
}

export function affinityBoost(genres: readonly string[], people: readonly string[], a: Affinity): number {
  if (a.genres.size === 0 && a.people.size === 0) return 0;
  let g = 0;
  for (const id of genres) g = Math.max(g, a.genres.get(id) ?? 0);
  let p = 0;
  for (const name of people) p = Math.max(p, a.people.get(name) ?? 0);
  return (MAX_AFFINITY_BOOST / 2) * (g + p);
}

export interface Ranked {
  score: number;
  popularity: number;
  name: string;
  id: string;
}

/** Order among equal scores: popularity, then name, then id. */
const tieBreak = (a: Omit<Ranked, 'score'>, b: Omit<Ranked, 'score'>): number =>
  b.popularity - a.popularity || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const compareRanked = (a: Ranked, b: Ranked): number => b.score - a.score || tieBreak(a, b);

/** The first `k` items in `cmp` order, without sorting them all. */
export function topK<T>(items: Iterable<T>, k: number, cmp: (a: T, b: T) => number): T[] {
  const top: T[] = [];
  if (k <= 0) return top;
  for (const item of items) {
    if (top.length === k && cmp(item, top[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(item, top[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    top.splice(lo, 0, item);
    if (top.length > k) top.pop();
  }
  return top;
}

/**
 * The first `k` of `n` candidates (by index) by full score, where full score = `cheap(i)` + `bonus(i)` and
 * 0 <= bonus(i) <= `bonusBound(i)`. The bonus (phrase matching) is the costly part, so candidates are
 * taken best upper bound first, and taking stops once no upper bound left can reach the k-th full
 * score found so far: exact, not an approximation, and only a few bonuses get computed.
 */
export function rankTop(
  n: number,
  k: number,
  cheap: (i: number) => number,
  bonus: (i: number) => number,
  bonusBound: (i: number) => number,
  describe: (i: number) => Omit<Ranked, 'score'>,
): (Ranked & { index: number })[] {
  if (k <= 0 || n === 0) return [];
  const base = new Float64Array(n);
  const upper = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    base[i] = cheap(i);
    upper[i] = base[i]! + bonusBound(i);
  }
  const heap = maxHeapOf(upper);
  const full = new Float64Array(n);
  const described = new Map<number, Omit<Ranked, 'score'>>();
  const about = (i: number) => {
    let d = described.get(i);
    if (!d) described.set(i, (d = describe(i)));
    return d;
  };
  const cmp = (a: number, b: number) => full[b]! - full[a]! || tieBreak(about(a), about(b));
  const top: number[] = [];
  while (heap.size > 0) {
    const i = heap.peek();
    if (top.length === k && upper[i]! < full[top[k - 1]!]!) break;
    heap.pop();
    full[i] = base[i]! + bonus(i);
    if (top.length === k && cmp(i, top[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(i, top[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    top.splice(lo, 0, i);
    if (top.length > k) top.pop();
  }
  return top.map((i) => ({ ...about(i), score: full[i]!, index: i }));
}

/** A max-heap of the indices 0..n-1 of `keys`, built in linear time. */
function maxHeapOf(keys: Float64Array): { size: number; peek(): number; pop(): void } {
  const items = new Int32Array(keys.length);
  for (let i = 0; i < items.length; i++) items[i] = i;
  let size = items.length;
  const down = (from: number) => {
    let j = from;
    const item = items[j]!;
    const key = keys[item]!;
    for (;;) {
      const l = 2 * j + 1;
      if (l >= size) break;
      const c = l + 1 < size && keys[items[l + 1]!]! > keys[items[l]!]! ? l + 1 : l;
      if (keys[items[c]!]! <= key) break;
      items[j] = items[c]!;
      j = c;
    }
    items[j] = item;
  };
  for (let j = (size >> 1) - 1; j >= 0; j--) down(j);
  return {
    get size() {
      return size;
    },
    peek: () => items[0]!,
    pop() {
      items[0] = items[--size]!;
      if (size > 0) down(0);
    },
  };
}
