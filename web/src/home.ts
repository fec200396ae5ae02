import { api, ApiError } from './api';
import type { ContinueWatchingItem, Genre, HomeRow, Page, Title, TitleSummary } from './types';

// GET /api/v1/home, or, where the recommend module is not there yet, rows built from the catalog.

const MAX_GENRE_ROWS = 12;

export interface Home {
  rows: HomeRow[];
  /** The profile has no history yet: offer to pick a few titles it likes. */
  onboarding: boolean;
}

export async function loadHome(): Promise<Home> {
  try {
    const home = await api<{ rows: HomeRow[]; onboarding?: boolean }>('/api/v1/home', { auth: 'profile', query: { hour: new Date().getHours() } });
    return { rows: home.rows.filter((r) => r.items?.length), onboarding: Boolean(home.onboarding) };
  } catch (e) {
    if (e instanceof ApiError && [404, 405, 501].includes(e.status)) return { rows: await fallbackRows(), onboarding: false };
    throw e;
  }
}

export interface OnboardingChoices {
  items: TitleSummary[];
  minPicks: number;
  maxPicks: number;
}

export const onboardingChoices = () => api<OnboardingChoices>('/api/v1/onboarding/titles', { auth: 'profile' });

export const saveOnboarding = (titleIds: string[]) => api('/api/v1/profiles/me/onboarding', { auth: 'profile', method: 'POST', body: { titleIds } });

const settled = async <T,>(p: Promise<T>): Promise<T | null> => p.catch(() => null);

async function fallbackRows(): Promise<HomeRow[]> {
  const titles = (query: Record<string, string | number>) =>
    api<Page<TitleSummary>>('/api/v1/titles', { auth: 'profile', query: { limit: 30, ...query } });

  const [cw, popular, genres] = await Promise.all([
    settled(continueWatching()),
    titles({ sort: 'popular' }),
    settled(api<Page<Genre>>('/api/v1/genres', { auth: 'profile' })),
  ]);

  const genreList = (genres?.items ?? []).slice(0, MAX_GENRE_ROWS);
  const perGenre = await Promise.all(genreList.map((g) => settled(titles({ genre: g.id, sort: 'popular' }))));

  const rows: HomeRow[] = [];
  if (cw?.length) rows.push({ id: 'continue-watching', kind: 'continue_watching', title: 'Continue Watching', items: cw });
  rows.push({ id: 'popular', kind: 'popular', title: 'Popular on Marquee', items: popular.items });
  genreList.forEach((g, i) => {
    const items = perGenre[i]?.items ?? [];
    if (items.length) rows.push({ id: `genre-${g.id}`, kind: 'genre', title: g.name, items });
  });
  return rows.filter((r) => r.items.length);
}

async function continueWatching(): Promise<TitleSummary[]> {
  const cw = await api<Page<ContinueWatchingItem>>('/api/v1/continue-watching', { auth: 'profile' });
  const items = cw.items.slice(0, 20);
  const titles = await Promise.all(
    items.map((c) =>
      c.title
        ? Promise.resolve(c.title)
        : settled(api<Title>(`/api/v1/titles/${encodeURIComponent(c.titleId)}`, { auth: 'profile' })),
    ),
  );
  return items.flatMap((c, i) => {
    const t = titles[i];
    if (!t) return [];
    const progress = c.progress ?? (c.durationSec ? c.positionSec / c.durationSec : 0);
    return [{ ...t, videoId: c.videoId, episodeId: c.episodeId ?? null, upNext: c.upNext ?? false, progress }];
  });
}
