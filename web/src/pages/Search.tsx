import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, errorMessage } from '../api';
import { Highlighted } from '../components/Highlighted';
import { ErrorView, Loading } from '../components/Status';
import { TitleCard } from '../components/TitleCard';
import { Link, navigate, useHref } from '../router';
import { filtersOf, searchHref, searchTitles, type SearchFilters, type SearchItem, type SearchResult } from '../search';
import '../styles/home.css';
import '../styles/search.css';

const FIELD_LABEL: Record<string, string> = { cast: 'With', directors: 'Directed by', genres: 'Genre', episodes: 'Episode', synopsis: 'About' };
const DECADES: { label: string; yearFrom?: number; yearTo?: number }[] = [
  { label: '2020s', yearFrom: 2020 },
  { label: '2010s', yearFrom: 2010, yearTo: 2019 },
  { label: '2000s', yearFrom: 2000, yearTo: 2009 },
  { label: 'Before 2000', yearTo: 1999 },
];

/** Why a result matched, when it was not its name: "With Tom Hanks", "Episode Coral Kingdoms". */
function Why({ item }: { item: SearchItem }) {
  const m = item.matches?.find((x) => x.field !== 'name');
  if (!m || item.matches?.some((x) => x.field === 'name')) return null;
  const value = m.field === 'synopsis' ? snippet(m.value, m.ranges[0]?.[0] ?? 0) : { text: m.value, shift: 0 };
  return (
    <div className="why" data-testid="search-why">
      {FIELD_LABEL[m.field] ?? m.field} <Highlighted text={value.text} ranges={m.ranges.map(([a, b]) => [a - value.shift, b - value.shift])} />
    </div>
  );
}

function snippet(text: string, around: number): { text: string; shift: number } {
  const shift = Math.max(0, around - 30);
  return { text: (shift ? '…' : '') + text.slice(shift, shift + 90), shift: shift ? shift - 1 : 0 };
}

function Chip({ on, onClick, children, testId }: { on: boolean; onClick: () => void; children: ReactNode; testId?: string }) {
  return (
    <button type="button" className={`chip${on ? ' on' : ''}`} aria-pressed={on} data-testid={testId} onClick={onClick}>
      {children}
    </button>
  );
}

/** /search?q=…: results grid with filter chips, why each matched, and "did you mean" when little matches. */
export default function Search({ q = '' }: { q?: string }) {
  const href = useHref();
  const filters = filtersOf(href.split('?')[1] ?? '');
  const filterKey = JSON.stringify(filters);
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const term = q.trim();

  useEffect(() => {
    const ctl = new AbortController();
    setError(null);
    if (!term) {
      setResult(null);
      return;
    }
    searchTitles(term, JSON.parse(filterKey) as SearchFilters, ctl.signal)
      .then(setResult)
      .catch((e) => {
        if (ctl.signal.aborted) return;
        if (e instanceof ApiError && e.status === 400) setResult({ items: [], total: 0, facets: { genres: [], types: [] }, didYouMean: null });
        else setError(errorMessage(e));
      });
    return () => ctl.abort();
  }, [term, filterKey]);

  const go = (next: SearchFilters) => navigate(searchHref(term, next), { replace: true });
  const toggle = (patch: SearchFilters, on: boolean) => {
    const next: SearchFilters = { ...filters };
    for (const k of Object.keys(patch) as (keyof SearchFilters)[]) delete next[k];
    go(on ? next : { ...next, ...patch });
  };
  const decadeOn = (d: (typeof DECADES)[number]) => filters.yearFrom === d.yearFrom && filters.yearTo === d.yearTo;
  const anyFilter = Object.keys(filters).length > 0;

  return (
    <main className="page search-page" data-testid="search-page">
      <h1 className="page-title">{term ? `Results for “${term}”` : 'Search'}</h1>
      {!term ? (
        <p className="empty">Search for titles, people and genres.</p>
      ) : error ? (
        <ErrorView message={error} />
      ) : !result ? (
        <Loading />
      ) : (
        <>
          <div className="chips" role="group" aria-label="Filters" data-testid="search-filters">
            <Chip on={!filters.type} onClick={() => toggle({ type: undefined }, true)}>All</Chip>
            <Chip on={filters.type === 'movie'} testId="chip-type-movie" onClick={() => toggle({ type: 'movie' }, filters.type === 'movie')}>Movies</Chip>
            <Chip on={filters.type === 'series'} testId="chip-type-series" onClick={() => toggle({ type: 'series' }, filters.type === 'series')}>Series</Chip>
            <span className="chip-sep" aria-hidden="true" />
            {result.facets.genres.slice(0, 8).map((g) => (
              <Chip key={g.id} on={filters.genre === g.id} testId={`chip-genre-${g.id}`} onClick={() => toggle({ genre: g.id }, filters.genre === g.id)}>
                {g.name} <span className="count">{g.count}</span>
              </Chip>
            ))}
            {filters.genre && !result.facets.genres.some((g) => g.id === filters.genre) && (
              <Chip on onClick={() => toggle({ genre: filters.genre }, true)}>{filters.genre}</Chip>
            )}
            <span className="chip-sep" aria-hidden="true" />
            {DECADES.map((d) => (
              <Chip key={d.label} on={decadeOn(d)} onClick={() => toggle({ yearFrom: d.yearFrom, yearTo: d.yearTo }, decadeOn(d))}>
                {d.label}
              </Chip>
            ))}
          </div>
          {result.items.length > 0 ? (
            <>
              <p className="result-count" data-testid="search-total">
                {result.total} {result.total === 1 ? 'title' : 'titles'}
              </p>
              <div className="grid" data-testid="title-grid">
                {result.items.map((item) => (
                  <div key={item.id} className="search-result">
                    <TitleCard item={item} />
                    <Why item={item} />
                  </div>
                ))}
              </div>
            </>
          ) : (
            <div className="search-empty" data-testid="search-empty">
              <h2>No titles match “{term}”{anyFilter ? ' with these filters' : ''}.</h2>
              {result.didYouMean && (
                <p>
                  Did you mean{' '}
                  <Link href={searchHref(result.didYouMean, filters)} data-testid="did-you-mean">
                    {result.didYouMean}
                  </Link>
                  ?
                </p>
              )}
              {anyFilter && (
                <p>
                  <button type="button" className="btn" onClick={() => go({})}>
                    Clear filters
                  </button>
                </p>
              )}
              <p className="muted">Try a title, an actor or director, or a genre such as “comedy”.</p>
            </div>
          )}
        </>
      )}
    </main>
  );
}
