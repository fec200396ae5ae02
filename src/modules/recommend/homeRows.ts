import { type CatalogService, type CatalogViewer, type TitleSummary, withArtworkArm } from '../catalog/index.ts';
import type { ViewingService } from '../viewing/index.ts';

interface ResumePoint {
  videoId: string;
  episodeId: string | null;
  positionSec: number;
  durationSec: number;
  progress: number;
  upNext: boolean;
}

export type HomeRowKind = 'continue_watching' | 'my_list' | 'top_picks' | 'because_you_watched' | 'popular' | 'top10' | 'new' | 'genre';

export interface HomeRow {
  id: string;
  kind: HomeRowKind;
  title: string;
  /** Why this row is on this profile's page, in words a viewer would understand. */
  reason: string;
  /**
   * Continue Watching items also carry videoId, episodeId, positionSec, durationSec, progress and
   * upNext; Top 10 items their `rank` (1-10); recommended items their `score`.
   */
  items: (TitleSummary & Partial<ResumePoint> & { rank?: number; score?: number })[];
}

const ROW_SIZE = 20;

export const REASONS = {
  continueWatching: 'You started these and have not finished them',
  myList: 'Titles you saved to My List',
  newReleases: 'The newest titles you can watch here',
} as const;
const GENRE_ROWS = 8;

/**
 * The generic home page, served when the recommender fails: what they were watching, their list,
 * what's popular, what's new, then genre rows, all straight from the catalog.
 */
export async function buildHome(catalog: CatalogService, viewing: ViewingService, profileId: string, viewer: CatalogViewer): Promise<HomeRow[]> {
  const [progress, listIds, popular, fresh, genres] = await Promise.all([
    viewing.continueWatching(profileId, ROW_SIZE),
    viewing.myListIds(profileId),
    catalog.listTitles({ sort: 'popular', limit: ROW_SIZE }, viewer),
    catalog.listTitles({ sort: 'new', limit: ROW_SIZE }, viewer),
    catalog.genres(),
  ]);
  const summaries = new Map((await catalog.summariesOf(progress.map((p) => p.titleId), viewer)).map((t) => [t.id, t]));
  const continueItems = progress.flatMap((p) => {
    const t = summaries.get(p.titleId);
    return t ? [{ ...t, videoId: p.videoId, episodeId: p.episodeId, positionSec: p.positionSec, durationSec: p.durationSec, progress: p.progress, upNext: p.upNext }] : [];
  });
  const myList = await catalog.summariesOf(listIds.slice(0, ROW_SIZE), viewer);
  const genreRows = await Promise.all(
    genres.map(async (g) => ({ id: `genre:${g.id}`, kind: 'genre' as const, title: g.name, reason: `Popular ${g.name} titles`, items: (await catalog.listTitles({ genre: g.id, sort: 'popular', limit: ROW_SIZE }, viewer)).items })),
  );
  const rows: HomeRow[] = [
    { id: 'continue-watching', kind: 'continue_watching', title: 'Continue Watching', reason: REASONS.continueWatching, items: continueItems },
    { id: 'my-list', kind: 'my_list', title: 'My List', reason: REASONS.myList, items: myList },
    { id: 'popular', kind: 'popular', title: 'Popular on Marquee', reason: 'The most watched titles on Marquee', items: popular.items },
    { id: 'new', kind: 'new', title: 'New Releases', reason: REASONS.newReleases, items: fresh.items },
    ...genreRows.filter((r) => r.items.length >= 3).sort((a, b) => b.items.length - a.items.length).slice(0, GENRE_ROWS),
  ];
  return rows.filter((r) => r.items.length > 0);
}

/** Home row orders under test (experiment `home_row_order`, variant config `{ "rowOrder": ... }`). */
export const ROW_ORDERS = ['default', 'continue_first', 'trending_first', 'personalised'] as const;
export type RowOrder = (typeof ROW_ORDERS)[number];

export const rowOrderOf = (config: Record<string, unknown> | undefined): RowOrder =>
  (ROW_ORDERS as readonly unknown[]).includes(config?.rowOrder) ? (config!.rowOrder as RowOrder) : 'default';

/**
 * Reorders built rows. `default` keeps them; `continue_first` lifts Continue Watching to the top;
 * `trending_first` lifts Popular; `personalised` puts Continue Watching, then the genres this
 * profile watches most (by `affinity`, genre name to weight), then everything else.
 */
export function orderRows(rows: readonly HomeRow[], order: RowOrder, affinity: ReadonlyMap<string, number> = new Map()): HomeRow[] {
  const lift = (pick: (r: HomeRow) => boolean) => [...rows.filter(pick), ...rows.filter((r) => !pick(r))];
  switch (order) {
    case 'default':
      return [...rows];
    case 'continue_first':
      return lift((r) => r.kind === 'continue_watching');
    case 'trending_first':
      return lift((r) => r.kind === 'popular');
    case 'personalised': {
      const score = (r: HomeRow) => (r.kind === 'genre' ? (affinity.get(r.title) ?? 0) : 0);
      const liked = rows.filter((r) => score(r) > 0).sort((a, b) => score(b) - score(a));
      return [...rows.filter((r) => r.kind === 'continue_watching'), ...liked, ...rows.filter((r) => r.kind !== 'continue_watching' && score(r) === 0)];
    }
  }
}

/** Artwork under test (experiment `title_artwork`): which image each card in each row shows. */
export function chooseArtwork(rows: readonly HomeRow[], config: Record<string, unknown> | undefined): HomeRow[] {
  return rows.map((r) => ({ ...r, items: withArtworkArm(r.items, config) }));
}

/** Genre name to how many of these titles carry it: the profile's taste, from what it watched. */
export function genreAffinity(watched: readonly Pick<TitleSummary, 'genres'>[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of watched) for (const g of t.genres) m.set(g, (m.get(g) ?? 0) + 1);
  return m;
}
