import type { Episode, Named, Title } from './types';
import { nameOf } from './types';

/** The movie's video, or the first episode that has one. */
export function firstPlayable(t: Title): string | null {
  if (t.type !== 'series') return t.videoId ?? null;
  for (const s of sortedSeasons(t)) for (const e of s.episodes) if (e.videoId) return e.videoId;
  return null;
}

export function sortedSeasons(t: Title) {
  return [...(t.seasons ?? [])]
    .sort((a, b) => a.number - b.number)
    .map((s) => ({ ...s, episodes: [...(s.episodes ?? [])].sort((a, b) => a.number - b.number) }));
}

export interface EpisodeRef {
  season: number;
  episode: Episode;
}

/** Find an episode by its video, plus the one after it (for "Next episode"). */
export function locateEpisode(t: Title, videoId: string): { current: EpisodeRef | null; next: EpisodeRef | null } {
  const flat: EpisodeRef[] = sortedSeasons(t).flatMap((s) => s.episodes.map((episode) => ({ season: s.number, episode })));
  const i = flat.findIndex((r) => r.episode.videoId === videoId);
  if (i < 0) return { current: null, next: null };
  const next = flat.slice(i + 1).find((r) => r.episode.videoId) ?? null;
  return { current: flat[i]!, next };
}

export function formatDuration(sec?: number | null): string {
  if (!sec || sec <= 0) return '';
  const m = Math.round(sec / 60);
  if (m < 60) return `${m}m`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function joinNames(list?: Named[], max = 8): string {
  return (list ?? []).slice(0, max).map(nameOf).join(', ');
}
