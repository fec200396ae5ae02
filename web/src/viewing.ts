import { api, ApiError } from './api';
import { deviceId } from './device';
import { session } from './session';
import { sortedSeasons } from './titles';
import type { ContinueWatchingItem, HistoryItem, Page, Title } from './types';

// Viewing activity, Continue Watching, and the episode labels both need.

const enc = encodeURIComponent;

export const fetchHistory = (cursor: string | null, limit = 20, signal?: AbortSignal) =>
  api<Page<HistoryItem>>('/api/v1/history', { auth: 'profile', query: { cursor, limit }, signal });

/** Remove one video from viewing activity. Already gone (say, removed on the TV) counts as done. */
export async function removeHistoryItem(videoId: string): Promise<void> {
  try {
    await api(`/api/v1/history/${enc(videoId)}`, { method: 'DELETE', auth: 'profile' });
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404 && e.code !== 'route_not_found')) throw e;
  }
}

export const clearHistory = () => api('/api/v1/history', { method: 'DELETE', auth: 'profile' });

export const fetchContinueWatching = (signal?: AbortSignal) =>
  api<Page<ContinueWatchingItem>>('/api/v1/continue-watching', { auth: 'profile', signal });

export const dismissContinueWatching = (titleId: string) =>
  api(`/api/v1/continue-watching/${enc(titleId)}`, { method: 'DELETE', auth: 'profile' });

// Title details (for season/episode numbers), shared between pages for a few minutes.
const TTL_MS = 5 * 60_000;
const details = new Map<string, { at: number; p: Promise<Title | null> }>();

export function titleDetails(titleId: string): Promise<Title | null> {
  const key = `${session.get().profile?.id ?? ''}:${titleId}`;
  const hit = details.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.p;
  const p = api<Title>(`/api/v1/titles/${enc(titleId)}`, { auth: 'profile' }).catch(() => {
    details.delete(key);
    return null;
  });
  details.set(key, { at: Date.now(), p });
  return p;
}

export interface EpisodeInfo {
  season: number;
  number: number;
  name: string;
}

export function findEpisode(title: Title, episodeId: string): EpisodeInfo | null {
  for (const s of sortedSeasons(title)) {
    const e = s.episodes.find((ep) => ep.id === episodeId);
    if (e) return { season: s.number, number: e.number, name: e.name };
  }
  return null;
}

/** Episode info for each episode id, looking each series up once; missing ones are left out. */
export async function episodesFor(refs: { titleId: string; episodeId?: string | null }[]): Promise<Map<string, EpisodeInfo>> {
  const wanted = refs.filter((r): r is { titleId: string; episodeId: string } => Boolean(r.episodeId));
  const titleIds = [...new Set(wanted.map((r) => r.titleId))];
  const titles = new Map((await Promise.all(titleIds.map(async (id) => [id, await titleDetails(id)] as const))).filter(([, t]) => t));
  const out = new Map<string, EpisodeInfo>();
  for (const r of wanted) {
    const t = titles.get(r.titleId);
    const ep = t && findEpisode(t, r.episodeId);
    if (ep) out.set(r.episodeId, ep);
  }
  return out;
}

/** "S1E2" */
export const episodeCode = (e: EpisodeInfo) => `S${e.season}E${e.number}`;

/** A readable name for the device an entry was last watched on. */
export function deviceLabel(id: string | null): string {
  if (!id) return 'Unknown device';
  if (id === deviceId()) return 'This browser';
  if (/tv|roku|tizen|webos|firetv|chromecast|console/i.test(id)) return 'TV';
  if (/ios|iphone|ipad|android|phone|mobile/i.test(id)) return 'Phone or tablet';
  if (/^web-/i.test(id)) return 'Web browser';
  return 'Another device';
}

/** Minutes watched, for people: "<1 min", "12 min", "1h 05m". */
export function formatWatched(sec: number): string {
  if (!sec || sec < 60) return '<1 min';
  const m = Math.round(sec / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
