import type { CatalogService, CatalogViewer, TitleSummary } from '../catalog/index.ts';
import type { ViewingService } from '../viewing/index.ts';

interface ResumePoint {
  videoId: string;
  episodeId: string | null;
  positionSec: number;
  durationSec: number;
  progress: number;
}

export interface HomeRow {
  id: string;
  kind: 'continue_watching' | 'popular' | 'new' | 'genre';
  title: string;
  /** Continue Watching items also carry videoId, episodeId, positionSec, durationSec and progress. */
  items: (TitleSummary & Partial<ResumePoint>)[];
}

const ROW_SIZE = 20;
const GENRE_ROWS = 8;

/** The home page: what they were watching, what's popular, what's new, then genre rows. */
export async function buildHome(catalog: CatalogService, viewing: ViewingService, profileId: string, viewer: CatalogViewer): Promise<HomeRow[]> {
  const [progress, popular, fresh, genres] = await Promise.all([
    viewing.continueWatching(profileId, ROW_SIZE),
    catalog.listTitles({ sort: 'popular', limit: ROW_SIZE }, viewer),
    catalog.listTitles({ sort: 'new', limit: ROW_SIZE }, viewer),
    catalog.genres(),
  ]);
  const summaries = new Map((await catalog.summariesOf(progress.map((p) => p.titleId), viewer)).map((t) => [t.id, t]));
  const continueItems = progress.flatMap((p) => {
    const t = summaries.get(p.titleId);
    return t ? [{ ...t, videoId: p.videoId, episodeId: p.episodeId, positionSec: p.positionSec, durationSec: p.durationSec, progress: p.progress }] : [];
  });
  const genreRows = await Promise.all(
    genres.map(async (g) => ({ id: `genre:${g.id}`, kind: 'genre' as const, title: g.name, items: (await catalog.listTitles({ genre: g.id, sort: 'popular', limit: ROW_SIZE }, viewer)).items })),
  );
  const rows: HomeRow[] = [
    { id: 'continue-watching', kind: 'continue_watching', title: 'Continue Watching', items: continueItems },
    { id: 'popular', kind: 'popular', title: 'Popular on Marquee', items: popular.items },
    { id: 'new', kind: 'new', title: 'New Releases', items: fresh.items },
    ...genreRows.filter((r) => r.items.length >= 3).sort((a, b) => b.items.length - a.items.length).slice(0, GENRE_ROWS),
  ];
  return rows.filter((r) => r.items.length > 0);
}
