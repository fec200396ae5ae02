import { isRatingAllowed } from '../catalog/index.ts';
import type { Scored } from './model/index.ts';

/** What ranking knows of a title (from the catalog, held in memory). */
export interface TitleFacts {
  id: string;
  type: 'movie' | 'series';
  name: string;
  year: number | null;
  genres: string[];
  maturityRating: string;
  worldwide: boolean;
  regions: readonly string[];
  popularity: number;
}

export interface Audience {
  maxMaturityRating: string;
  country: string;
  /** Never shown again: finished movies and titles rated down. */
  hidden: Set<string>;
}

/** Whether this audience may and should see the title: maturity, licence in its country, not hidden. */
export const isEligible = (t: TitleFacts, a: Audience): boolean =>
  !a.hidden.has(t.id) && isRatingAllowed(t.maturityRating, a.maxMaturityRating) && (t.worldwide || t.regions.includes(a.country));

export type Daypart = 'morning' | 'daytime' | 'evening' | 'late';

export const daypartOf = (hour: number): Daypart => (hour >= 5 && hour < 11 ? 'morning' : hour >= 11 && hour < 17 ? 'daytime' : hour >= 17 && hour < 23 ? 'evening' : 'late');

export interface RankingContext {
  device: string;
  daypart: Daypart;
}

const LIGHT = new Set(['Animation', 'Children', 'Family', 'Comedy', 'Kids']);
const DARK = new Set(['Horror', 'Thriller', 'Crime', 'Film-Noir']);

/**
 * A small multiplier from the viewing context, as the seeds sketch it: a TV in the evening leans
 * back into a film; a phone suits episodes; mornings are lighter, late nights darker. Kept within
 * ±20% so context nudges the order and never overrides taste.
 */
export function contextBoost(t: Pick<TitleFacts, 'type' | 'genres'>, c: RankingContext): number {
  let b = 1;
  if (c.device === 'tv' && (c.daypart === 'evening' || c.daypart === 'late')) b *= t.type === 'movie' ? 1.1 : 0.97;
  if (c.device === 'mobile') b *= t.type === 'series' ? 1.1 : 0.97;
  const light = t.genres.some((g) => LIGHT.has(g));
  const dark = t.genres.some((g) => DARK.has(g));
  if (c.daypart === 'morning' || c.daypart === 'daytime') b *= light ? 1.08 : dark ? 0.95 : 1;
  if (c.daypart === 'late') b *= dark ? 1.08 : light ? 0.95 : 1;
  return b;
}

export interface CandidateSources {
  /** Fold-in scores of the profile's history (collaborative and content). */
  personal: Scored[];
  /** Titles like its recent watches. */
  similar: Scored[];
  /** Trending in its country. */
  trending: Scored[];
}

/** How much each source counts once each is scaled to [0, 1]. The profile's own model scores lead. */
export const SOURCE_WEIGHTS = { personal: 1, similar: 0.35, trending: 0.15 } as const;

/** One score per candidate: each source scaled to its best, weighted, summed, times the context boost. */
export function blend(sources: CandidateSources, facts: ReadonlyMap<string, TitleFacts>, audience: Audience, context: RankingContext): Scored[] {
  const total = new Map<string, number>();
  for (const key of ['personal', 'similar', 'trending'] as const) {
    const list = sources[key];
    const top = Math.max(1e-9, ...list.map((s) => s.score));
    for (const s of list) if (s.score > 0) total.set(s.itemId, (total.get(s.itemId) ?? 0) + (SOURCE_WEIGHTS[key] * s.score) / top);
  }
  const out: Scored[] = [];
  for (const [itemId, score] of total) {
    const t = facts.get(itemId);
    if (t && isEligible(t, audience)) out.push({ itemId, score: score * contextBoost(t, context) });
  }
  return out.sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1));
}

/** A franchise key from a name: sequels and parts share it ("Toy Story 2", "Star Wars: Episode V"). */
export function franchiseOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/\(\d{4}\)/g, '')
    .split(/[:\-–(]/)[0]!
    .replace(/\b(part|chapter|vol\.?|volume|episode)\b.*$/, '')
    .replace(/\b(\d+|ii|iii|iv|v|vi|vii|viii|ix|x)\s*$/, '')
    .replace(/^(the|a|an)\s+/, '')
    .replace(/[^a-z0-9 ]+/g, '')
    .trim();
}

export interface DiversityRules {
  limit: number;
  /** At most this many titles from one franchise in a row. */
  maxPerFranchise: number;
  /** A title is held back when every one of its genres already fills this share of the row. */
  maxGenreShare: number;
}

/**
 * Picks a row greedily by score, holding back titles that would repeat a franchise or deepen a
 * genre monoculture; held-back titles fill any room left at the end (a small catalog still gets a
 * full row), franchise repeats last.
 */
export function diversify(ranked: readonly Scored[], facts: ReadonlyMap<string, TitleFacts>, rules: DiversityRules): string[] {
  const picked: string[] = [];
  const heldForGenre: string[] = [];
  const heldForFranchise: string[] = [];
  const franchises = new Map<string, number>();
  const genres = new Map<string, number>();
  const genreCap = Math.max(1, Math.ceil(rules.limit * rules.maxGenreShare));
  for (const { itemId } of ranked) {
    if (picked.length >= rules.limit) break;
    const t = facts.get(itemId);
    if (!t) continue;
    const f = franchiseOf(t.name);
    if (f && (franchises.get(f) ?? 0) >= rules.maxPerFranchise) {
      heldForFranchise.push(itemId);
      continue;
    }
    if (t.genres.length > 0 && t.genres.every((g) => (genres.get(g) ?? 0) >= genreCap)) {
      heldForGenre.push(itemId);
      continue;
    }
    picked.push(itemId);
    if (f) franchises.set(f, (franchises.get(f) ?? 0) + 1);
    for (const g of t.genres) genres.set(g, (genres.get(g) ?? 0) + 1);
  }
  return [...picked, ...heldForGenre, ...heldForFranchise].slice(0, rules.limit);
}
