import type { Logger } from 'pino';
import { invalid } from '../../platform/errors.ts';
import type { ObjectStore } from '../../platform/objects/index.ts';
import type { Guards } from '../../platform/resilience/index.ts';
import type { CatalogService, CatalogViewer, TitleSummary } from '../catalog/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import { factsOf } from './facts.ts';
import { HomeCache } from './homeCache.ts';
import { type HomeRow, REASONS, buildHome, genreAffinity } from './homeRows.ts';
import { type RecModel, type Scored, deserialiseModel, scoreForHistory, similarItems } from './model/index.ts';
import { type Audience, type RankingContext, type TitleFacts, blend, contextBoost, diversify, isEligible } from './ranking.ts';
import type { RecommendRepository } from './repository.ts';
import { MAX_ROW, dedupeFirstScreen, orderHomeRows } from './rows.ts';
import { type ProfileTaste, tasteOf } from './signals.ts';
import { SummaryCache } from './summaryCache.ts';
import { type Trend, trendingFor } from './trending.ts';

/** A trained model ready to serve, with the trending lists computed beside it. */
export interface Snapshot {
  id: string;
  trainedAt: string;
  model: RecModel;
  trends: Map<string, Trend[]>;
}

export interface HomeRequest {
  profileId: string;
  viewer: CatalogViewer;
  context: RankingContext;
}

export interface HomePage {
  rows: HomeRow[];
  /** True when the profile has told us nothing yet: the app offers onboarding. */
  onboarding: boolean;
  /** `recommender`, or `popular` when the recommender failed and the generic page was served. */
  source: 'recommender' | 'popular';
}

export interface RecommenderOptions {
  repo: RecommendRepository;
  catalog: CatalogService;
  viewing: ViewingService;
  objects: ObjectStore;
  log: Logger;
  /** How often a process looks for a newer model (another process may have trained it). */
  modelCheckMs: number;
  homeCacheTtlMs: number;
  homeCacheProfiles: number;
  /** The recommender is a seam: a timeout, a bulkhead and a breaker in front of it. */
  guards: Guards;
  /** The api role's degradation tier: from tier 1 on, everyone gets the generic page. */
  loadTier: () => number;
  clock?: () => number;
}

/** The recommender's cached, per-profile part of a home page (Continue Watching and My List are read live). */
interface PersonalPage {
  rows: HomeRow[];
  taste: Pick<ProfileTaste, 'personal' | 'lastListAddAt'>;
  affinity: Map<string, number>;
}

const FACTS_TTL_MS = 60_000;
const GENERIC_TTL_MS = 60_000;
const BECAUSE_ROWS = 3;
/** Shorter than other rows so, in a small catalog, the rows below still have titles of their own. */
const TOP_PICKS = 30;
const GENRE_ROWS = 5;
const MIN_ROW = 3;
export const ONBOARDING_PICKS = { min: 3, max: 10 } as const;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const countryName = (code: string): string => {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
};

async function readAll(objects: ObjectStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await objects.read(key)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export function recommenderService(o: RecommenderOptions) {
  const clock = o.clock ?? Date.now;
  const cache = new HomeCache<PersonalPage>(o.homeCacheProfiles, o.homeCacheTtlMs, clock);

  // Every published title's facts, in memory: ranking and filtering read them for every candidate.
  let facts: Promise<Catalogue> | undefined;
  let factsAt = 0;
  const summaries = new SummaryCache<TitleSummary>(FACTS_TTL_MS, clock);
  o.catalog.onChange(() => {
    facts = undefined;
    summaries.clear();
  });
  const titleFacts = (): Promise<Catalogue> => {
    if (!facts || clock() - factsAt > FACTS_TTL_MS) {
      factsAt = clock();
      const loading = o.catalog.indexableTitles().then((ts) => catalogueOf(ts.map(factsOf)));
      loading.catch(() => {
        if (facts === loading) facts = undefined;
      });
      facts = loading;
    }
    return facts;
  };

  let snapshot: Snapshot | undefined;
  let checkedAt = -Infinity;
  let checking: Promise<void> | undefined;
  const adopt = (s: Snapshot) => {
    if (snapshot && snapshot.trainedAt > s.trainedAt) return;
    snapshot = s;
    // Pages built from the old model are stale.
    cache.clear();
  };
  const checkForModel = async (): Promise<void> => {
    checkedAt = clock();
    try {
      const row = await o.repo.latestModel();
      if (!row || row.id === snapshot?.id) return;
      const model = deserialiseModel(await readAll(o.objects, row.object_key));
      adopt({ id: row.id, trainedAt: row.trained_at, model, trends: new Map(Object.entries(JSON.parse(row.trending) as Record<string, Trend[]>)) });
      o.log.info({ modelId: row.id, trainedAt: row.trained_at }, 'recommendation model loaded');
    } catch (err) {
      // Keep serving the model we have (or none); the next check tries again.
      o.log.error({ err }, 'could not load the latest recommendation model');
    }
  };
  const currentModel = async (): Promise<Snapshot | undefined> => {
    if (!checking && clock() - checkedAt >= o.modelCheckMs) checking = checkForModel().finally(() => (checking = undefined));
    // Only the first load is waited for; later checks swap the model in when ready.
    if (!snapshot && checking) await checking;
    return snapshot;
  };

  const countries = new Map<string, string>();
  const noteCountry = async (profileId: string, country: string) => {
    if (countries.get(profileId) === country) return;
    await o.repo.recordCountry(profileId, country);
    countries.set(profileId, country);
    if (countries.size > 200_000) countries.delete(countries.keys().next().value!);
  };

  const tasteFor = async (profileId: string) => {
    const [signals, picks] = await Promise.all([o.viewing.signals(profileId), o.repo.picksOf(profileId)]);
    return tasteOf(signals, picks, clock());
  };

  /** Trending in the viewer's country from the model, or catalog popularity before any model exists. */
  const trendingIn = (s: Snapshot | undefined, c: Catalogue, country: string): Scored[] =>
    s && s.trends.size > 0 ? trendingFor(s.trends, country, 100).map((t) => ({ itemId: t.titleId, score: t.score })) : c.byPopularity.slice(0, 500).map((t) => ({ itemId: t.id, score: t.popularity }));

  interface Draft {
    row: Omit<HomeRow, 'items'>;
    items: { id: string; score?: number; rank?: number }[];
  }

  /** Ranked candidates for a profile with history: its model scores, titles like its recent watches, trending. */
  const candidates = (s: Snapshot, taste: ProfileTaste, all: Map<string, TitleFacts>, audience: Audience, req: HomeRequest, trending: Scored[]) => {
    const seen = new Set(taste.history.map((h) => h.itemId));
    const personal = scoreForHistory(s.model, taste.history, { now: clock(), exclude: audience.hidden, limit: 400 });
    const seeds = taste.recentLikes.filter((id) => s.model.itemIndex.has(id) && all.has(id)).slice(0, BECAUSE_ROWS);
    const alike = seeds.map((id) => similarItems(s.model, id, 120).filter((x) => !seen.has(x.itemId)));
    const similar = new Map<string, number>();
    for (const list of alike) for (const x of list) similar.set(x.itemId, Math.max(similar.get(x.itemId) ?? 0, x.score));
    const ranked = blend({ personal, similar: [...similar].map(([itemId, score]) => ({ itemId, score })), trending: trending.slice(0, 100) }, all, audience, req.context).filter((x) => !seen.has(x.itemId));
    return { ranked, seeds, alike };
  };

  const rowsFor = async (req: HomeRequest): Promise<PersonalPage> => {
    const [taste, s, c] = await Promise.all([tasteFor(req.profileId), currentModel(), titleFacts()]);
    const all = c.byId;
    const audience: Audience = { maxMaturityRating: req.viewer.maxMaturityRating, country: req.viewer.country, hidden: new Set([...taste.finished, ...taste.disliked]) };
    const ok = (id: string) => {
      const t = all.get(id);
      return t !== undefined && isEligible(t, audience);
    };
    const charted = trendingIn(s, c, req.viewer.country);
    const trending = charted.filter((x) => ok(x.itemId));
    // A viewer who has seen most of what is trending still gets a full row: the most popular titles follow.
    const trendingRow = [...new Set([...trending.map((x) => x.itemId), ...firstWhere(c.byPopularity, (t) => ok(t.id), MAX_ROW).map((t) => t.id)])].slice(0, MAX_ROW);
    const place = countryName(req.viewer.country);
    const drafts: Draft[] = [];
    const liked = taste.history.filter((h) => h.weight > 0 && all.has(h.itemId));
    const affinity = genreAffinity(liked.map((h) => all.get(h.itemId)!));
    let ranked: Scored[] = [];

    if (taste.personal && s) {
      const found = candidates(s, taste, all, audience, req, trending);
      ranked = found.ranked;
      const picks = diversify(ranked, all, { limit: TOP_PICKS, maxPerFranchise: 2, maxGenreShare: 0.7 });
      const score = new Map(ranked.map((x) => [x.itemId, x.score]));
      drafts.push({ row: { id: 'top-picks', kind: 'top_picks', title: 'Top Picks for You', reason: 'Picked for you from what you watched, rated and saved' }, items: picks.map((id) => ({ id, score: score.get(id)! })) });
      found.seeds.forEach((seed, i) => {
        const name = all.get(seed)!.name;
        const boosted = found.alike[i]!.filter((x) => ok(x.itemId)).map((x) => ({ itemId: x.itemId, score: x.score * contextBoost(all.get(x.itemId)!, req.context) })).sort((a, b) => b.score - a.score);
        const ids = diversify(boosted, all, { limit: MAX_ROW, maxPerFranchise: 2, maxGenreShare: 1 });
        if (ids.length >= MIN_ROW) drafts.push({ row: { id: `because:${seed}`, kind: 'because_you_watched', title: `Because You Watched ${name}`, reason: `Titles like ${name}, which you watched recently` }, items: ids.map((id) => ({ id })) });
      });
    }

    drafts.push({ row: { id: 'trending', kind: 'popular', title: s ? 'Trending Now' : 'Popular on Marquee', reason: s ? `Popular in ${place} right now` : 'The most watched titles on Marquee' }, items: trendingRow.map((id) => ({ id })) });
    // The Top 10 is a chart: titles the profile finished stay on it; ones it may not see or rated down do not.
    const top = firstWhere(charted, (x) => !taste.disliked.has(x.itemId) && all.has(x.itemId) && isEligible(all.get(x.itemId)!, { ...audience, hidden: taste.disliked }), 10);
    if (top.length > 0) drafts.push({ row: { id: 'top10', kind: 'top10', title: `Top 10 in ${place} Today`, reason: `The ${top.length} most watched titles in ${place} today, in order` }, items: top.map((x, i) => ({ id: x.itemId, rank: i + 1 })) });
    const fresh = firstWhere(c.byNewest, (t) => ok(t.id), MAX_ROW);
    drafts.push({ row: { id: 'new', kind: 'new', title: 'New Releases', reason: REASONS.newReleases }, items: fresh.map((t) => ({ id: t.id })) });

    // Genre rows: the genres this profile likes, its own ranking first; otherwise the biggest genres.
    const genres = affinity.size > 0 ? [...affinity].sort((a, b) => b[1] - a[1]).map(([g]) => g) : c.largestGenres;
    const seen = new Set(taste.history.map((h) => h.itemId));
    for (const genre of genres.slice(0, GENRE_ROWS)) {
      const inGenre = (id: string) => !seen.has(id) && all.get(id)!.genres.includes(genre) && ok(id);
      const ids = [...new Set([...firstWhere(ranked, (x) => inGenre(x.itemId), MAX_ROW).map((x) => x.itemId), ...firstWhere(c.byPopularity, (t) => inGenre(t.id), MAX_ROW).map((t) => t.id)])].slice(0, MAX_ROW);
      const mine = affinity.has(genre);
      if (ids.length >= MIN_ROW) drafts.push({ row: { id: `genre:${genre}`, kind: 'genre', title: genre, reason: mine ? `Because you watch ${genre}` : `Popular ${genre} titles` }, items: ids.map((id) => ({ id })) });
    }

    const titles = await cachedSummaries(drafts.flatMap((d) => d.items.map((x) => x.id)), req.viewer);
    const rows = drafts.flatMap((d) => {
      const items = d.items.flatMap((x) => {
        const t = titles.get(x.id);
        return t ? [{ ...t, ...(x.score !== undefined && { score: round(x.score) }), ...(x.rank !== undefined && { rank: x.rank }) }] : [];
      });
      return items.length > 0 ? [{ ...d.row, items }] : [];
    });
    return { rows, taste: { personal: taste.personal, lastListAddAt: taste.lastListAddAt }, affinity };
  };

  const summariesById = async (ids: string[], viewer: CatalogViewer): Promise<Map<string, TitleSummary>> =>
    new Map((await o.catalog.summariesOf([...new Set(ids)], viewer)).map((t) => [t.id, t]));
  /** Summaries for building pages: from the short-lived cache, the catalog asked only for titles not seen lately. */
  const cachedSummaries = (ids: string[], viewer: CatalogViewer): Promise<Map<string, TitleSummary>> =>
    summaries.get(`${viewer.country}|${viewer.maxMaturityRating}`, ids, (missing) => o.catalog.summariesOf(missing, viewer));

  /** Continue Watching and My List, read live: they change with every play and save. */
  const liveRows = async (req: HomeRequest): Promise<HomeRow[]> => {
    const [progress, listIds] = await Promise.all([o.viewing.continueWatching(req.profileId, 20), o.viewing.myListIds(req.profileId)]);
    const titles = await cachedSummaries([...progress.map((p) => p.titleId), ...listIds.slice(0, MAX_ROW)], req.viewer);
    const continueItems = progress.flatMap((p) => {
      const t = titles.get(p.titleId);
      return t ? [{ ...t, videoId: p.videoId, episodeId: p.episodeId, positionSec: p.positionSec, durationSec: p.durationSec, progress: p.progress, upNext: p.upNext }] : [];
    });
    return [
      { id: 'continue-watching', kind: 'continue_watching', title: 'Continue Watching', reason: REASONS.continueWatching, items: continueItems },
      { id: 'my-list', kind: 'my_list', title: 'My List', reason: REASONS.myList, items: listIds.slice(0, MAX_ROW).flatMap((id) => titles.get(id) ?? []) },
    ];
  };

  const contextKey = (req: HomeRequest) => `${req.viewer.country}|${req.viewer.maxMaturityRating}|${req.context.device}|${req.context.daypart}`;

  // Both the home page and the recommendations list go through one breaker: one recommender.
  const recommender = o.guards.guard('recommendations', <T>(work: () => Promise<T>) => work(), { maxConcurrent: 32 }) as <T>(work: () => Promise<T>) => Promise<T>;
  const personalRows = (req: HomeRequest): Promise<PersonalPage> =>
    recommender(async () => {
      const page = cache.get(req.profileId, contextKey(req)) ?? (await rowsFor(req));
      cache.set(req.profileId, contextKey(req), page);
      await noteCountry(req.profileId, req.viewer.country);
      return page;
    });

  const popularTitles = async (req: HomeRequest, limit: number): Promise<(TitleSummary & { score: number })[]> =>
    (await o.catalog.listTitles({ sort: 'popular', limit }, req.viewer)).items.map((t) => ({ ...t, score: 0 }));

  // The generic lists (popular, new, genres) change slowly and are the same for everyone in a
  // country and rating band: under load or with the recommender down they are served from here.
  const generic = new Map<string, { at: number; rows: Promise<HomeRow[]> }>();
  const genericLists = (req: HomeRequest): Promise<HomeRow[]> => {
    const key = `${req.viewer.country}|${req.viewer.maxMaturityRating}`;
    const hit = generic.get(key);
    if (hit && clock() - hit.at < GENERIC_TTL_MS) return hit.rows;
    const rows = buildHome(o.catalog, o.viewing, req.profileId, req.viewer).then((all) => all.filter((r) => r.kind !== 'continue_watching' && r.kind !== 'my_list'));
    rows.catch(() => generic.delete(key));
    generic.set(key, { at: clock(), rows });
    return rows;
  };

  /** The profile's best titles, scored: its model candidates when it has history, else what is trending where it is. */
const rankedTitles = async (req: HomeRequest, limit: number): Promise<(TitleSummary & { score: number })[]> => {
    const [taste, s, c] = await Promise.all([tasteFor(req.profileId), currentModel(), titleFacts()]);
    const all = c.byId;
    const audience: Audience = { maxMaturityRating: req.viewer.maxMaturityRating, country: req.viewer.country, hidden: new Set([...taste.finished, ...taste.disliked]) };
    const trending = trendingIn(s, c, req.viewer.country).filter((x) => all.has(x.itemId) && isEligible(all.get(x.itemId)!, audience));
    const ranked = taste.personal && s ? candidates(s, taste, all, audience, req, trending).ranked : trending;
    const score = new Map(ranked.map((x) => [x.itemId, x.score]));
    const ids = diversify(ranked, all, { limit, maxPerFranchise: 2, maxGenreShare: 0.7 });
    const titles = await cachedSummaries(ids, req.viewer);
    return ids.flatMap((id) => {
      const t = titles.get(id);
      return t ? [{ ...t, score: round(score.get(id)!) }] : [];
    });
  };

  return {
    /** The profile's home page: cached recommendations plus live rows, ordered for it; the generic page if the recommender fails. */
    async home(req: HomeRequest): Promise<HomePage> {
      const live = await liveRows(req);
      const genericPage = async (): Promise<HomePage> => ({ rows: [...live, ...(await genericLists(req))].filter((r) => r.items.length > 0), onboarding: false, source: 'popular' });
      if (o.loadTier() >= 1) return genericPage();
      let page: PersonalPage;
      try {
        page = await personalRows(req);
      } catch (err) {
        o.log.error({ err, profileId: req.profileId }, 'recommender failed; serving the generic home page');
        return genericPage();
      }
      const personal = page.taste.personal || live[0]!.items.length > 0;
      const ordered = orderHomeRows([...live, ...page.rows], { personal, lastListAddAt: page.taste.lastListAddAt, affinity: page.affinity, now: clock() });
      return { rows: dedupeFirstScreen(ordered), onboarding: !personal, source: 'recommender' };
    },

    /** The profile's best titles, scored; the most popular ones (score 0) if the recommender fails. */
    async recommendations(req: HomeRequest, limit: number): Promise<(TitleSummary & { score: number })[]> {
      if (o.loadTier() >= 1) return popularTitles(req, limit);
      try {
        return await recommender(() => rankedTitles(req, limit));
      } catch (err) {
        o.log.error({ err, profileId: req.profileId }, 'recommender failed; serving popular titles');
        return popularTitles(req, limit);
      }
    },

    /** Titles a new profile can pick from: popular where it is, spread across genres. */
    async onboardingChoices(viewer: CatalogViewer, limit: number): Promise<TitleSummary[]> {
      const [s, c] = await Promise.all([currentModel(), titleFacts()]);
      const all = c.byId;
      const audience: Audience = { maxMaturityRating: viewer.maxMaturityRating, country: viewer.country, hidden: new Set() };
      const popular = trendingIn(s, c, viewer.country).filter((x) => all.has(x.itemId) && isEligible(all.get(x.itemId)!, audience));
      const known = new Set(popular.map((x) => x.itemId));
      const rest = firstWhere(c.byPopularity, (t) => !known.has(t.id) && isEligible(t, audience), 500).map((t) => ({ itemId: t.id, score: 0 }));
      const ids = diversify([...popular, ...rest], all, { limit, maxPerFranchise: 1, maxGenreShare: 0.25 });
      return [...(await cachedSummaries(ids, viewer)).values()];
    },

    /** Records the titles a new profile says it likes; its next home page is built from them. */
    async savePicks(profileId: string, viewer: CatalogViewer, titleIds: string[]): Promise<void> {
      const unique = [...new Set(titleIds)];
      if (unique.length < ONBOARDING_PICKS.min || unique.length > ONBOARDING_PICKS.max) {
        throw invalid('wrong_pick_count', `Pick between ${ONBOARDING_PICKS.min} and ${ONBOARDING_PICKS.max} different titles`, 'titleIds');
      }
      const visible = await summariesById(unique, viewer);
      const missing = unique.filter((id) => !visible.has(id));
      if (missing.length > 0) throw invalid('unknown_titles', `No such titles: ${missing.join(', ')}`, 'titleIds');
      await o.repo.replacePicks(profileId, unique);
      cache.invalidate(profileId);
    },

    /** Drops a profile's cached page (its viewing changed). */
    invalidate: (profileId: string) => cache.invalidate(profileId),

    /** Serves a model just trained in this process without waiting for the next check. */
    adopt,

    /** The model in use, if any: what the admin endpoint reports. */
    async modelInfo() {
      const s = await currentModel();
      return s ? { modelId: s.id, trainedAt: s.trainedAt, titles: s.model.itemIds.length, countries: [...s.trends.keys()].length } : null;
    },
  };
}

export type RecommenderService = ReturnType<typeof recommenderService>;

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** The catalog as ranking reads it, with the orders rows need computed once per load. */
interface Catalogue {
  byId: Map<string, TitleFacts>;
  byPopularity: TitleFacts[];
  byNewest: TitleFacts[];
  /** Genres with the most titles, for a profile whose taste we do not know yet. */
  largestGenres: string[];
}

const byId = (a: TitleFacts, b: TitleFacts) => (a.id < b.id ? -1 : 1);

function catalogueOf(titles: TitleFacts[]): Catalogue {
  const counts = new Map<string, number>();
  for (const t of titles) for (const g of t.genres) counts.set(g, (counts.get(g) ?? 0) + 1);
  return {
    byId: new Map(titles.map((t) => [t.id, t])),
    byPopularity: [...titles].sort((a, b) => b.popularity - a.popularity || byId(a, b)),
    byNewest: [...titles].sort((a, b) => (b.year ?? 0) - (a.year ?? 0) || b.popularity - a.popularity || byId(a, b)),
    largestGenres: [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([g]) => g),
  };
}

/** The first `limit` items that pass, without filtering the whole list. */
function firstWhere<T>(list: readonly T[], keep: (x: T) => boolean, limit: number): T[] {
  const out: T[] = [];
  for (const x of list) {
    if (out.length >= limit) break;
    if (keep(x)) out.push(x);
  }
  return out;
}
