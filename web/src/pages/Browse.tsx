import { useEffect, useState } from 'react';
import { api, ApiError, errorMessage } from '../api';
import { ErrorView, Loading } from '../components/Status';
import { TitleGrid } from '../components/TitleGrid';
import type { Page, TitleSummary } from '../types';
import '../styles/home.css';

/** Search results (/search?q=) and My List (/my-list): a heading over a grid of posters. */
export default function Browse({ mode, q = '' }: { mode: 'search' | 'mylist'; q?: string }) {
  const [items, setItems] = useState<TitleSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    setError(null);
    setItems(null);
    const term = q.trim();
    if (mode === 'search' && !term) {
      setItems([]);
      return;
    }
    const req =
      mode === 'search'
        ? api<Page<TitleSummary>>('/api/v1/search', { auth: 'profile', query: { q: term.slice(0, 200), limit: 60 }, signal: ctl.signal })
        : api<Page<TitleSummary>>('/api/v1/my-list', { auth: 'profile', signal: ctl.signal });
    req.then((p) => setItems(p.items)).catch((e) => {
      if (ctl.signal.aborted) return;
      if (e instanceof ApiError && e.code === 'route_not_found') setError(`${mode === 'search' ? 'Search' : 'My List'} isn’t available yet.`);
      else setError(errorMessage(e));
    });
    return () => ctl.abort();
  }, [mode, q]);

  const heading = mode === 'search' ? (q.trim() ? `Results for “${q.trim()}”` : 'Search') : 'My List';
  return (
    <main className="page" data-testid={mode === 'search' ? 'search-page' : 'mylist-page'}>
      <h1 className="page-title">{heading}</h1>
      {error ? (
        <ErrorView message={error} />
      ) : !items ? (
        <Loading />
      ) : (
        <TitleGrid
          items={items}
          empty={mode === 'search' ? 'No titles match your search.' : 'Titles you add to My List appear here.'}
        />
      )}
    </main>
  );
}
