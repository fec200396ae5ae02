import { api } from './api';
import type { TitleSummary } from './types';

// Client side of /api/v1/search and /api/v1/search/suggest.

export type Range = [number, number];

export interface SearchMatch {
  field: 'name' | 'cast' | 'directors' | 'genres' | 'episodes' | 'synopsis';
  value: string;
  ranges: Range[];
}

export type SearchItem = TitleSummary & { score?: number; matches?: SearchMatch[] };

export interface SearchResult {
  items: SearchItem[];
  total: number;
  facets: { genres: { id: string; name: string; count: number }[]; types: { type: 'movie' | 'series'; count: number }[] };
  didYouMean: string | null;
}

export interface Suggestions {
  items: { titleId: string; text: string; type?: string; year?: number | null; ranges?: Range[] }[];
  people: { name: string; titleCount: number; ranges?: Range[] }[];
  genres: { id: string; name: string; ranges?: Range[] }[];
}

export interface SearchFilters {
  genre?: string;
  type?: 'movie' | 'series';
  yearFrom?: number;
  yearTo?: number;
}

export const MAX_QUERY = 200;

export function searchTitles(q: string, filters: SearchFilters, signal: AbortSignal): Promise<SearchResult> {
  return api<SearchResult>('/api/v1/search', { auth: 'profile', query: { q: q.slice(0, MAX_QUERY), limit: 60, ...filters }, signal });
}

export function suggest(q: string, signal: AbortSignal): Promise<Suggestions> {
  return api<Suggestions>('/api/v1/search/suggest', { auth: 'profile', query: { q: q.slice(0, MAX_QUERY), limit: 6 }, signal });
}

/** /search?q=…&genre=… from a query and filters. */
export function searchHref(q: string, filters: SearchFilters = {}): string {
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') p.set(k, String(v));
  return `/search?${p.toString()}`;
}

/** The filters in the current URL. */
export function filtersOf(search: string): SearchFilters {
  const p = new URLSearchParams(search);
  const num = (k: string) => {
    const n = Number(p.get(k));
    return p.get(k) && Number.isInteger(n) ? n : undefined;
  };
  const type = p.get('type');
  return {
    ...(p.get('genre') ? { genre: p.get('genre')! } : {}),
    ...(type === 'movie' || type === 'series' ? { type } : {}),
    ...(num('yearFrom') !== undefined ? { yearFrom: num('yearFrom') } : {}),
    ...(num('yearTo') !== undefined ? { yearTo: num('yearTo') } : {}),
  };
}

/** Splits text into plain and highlighted pieces. */
export function pieces(text: string, ranges: Range[] = []): { text: string; hit: boolean }[] {
  const out: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at || end > text.length) continue;
    if (start > at) out.push({ text: text.slice(at, start), hit: false });
    out.push({ text: text.slice(start, end), hit: true });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false });
  return out;
}
