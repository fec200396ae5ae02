import { useEffect, useRef, useState, type JSX } from 'react';
import { api, ApiError } from '../api';
import type { Page, Rating, TitleSummary } from '../types';
import { CheckIcon, HeartIcon, PlusIcon, ThumbDownIcon, ThumbUpIcon } from './Icons';

const enc = encodeURIComponent;

/** Only a server without the endpoint at all hides a control; other failures leave it usable. */
const missingRoute = (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'route_not_found';

type Loadable<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'unavailable' };

const RATINGS: { value: Rating; label: string; testId: string; Icon: () => JSX.Element }[] = [
  { value: 1, label: 'I like this', testId: 'rate-up', Icon: ThumbUpIcon },
  { value: 2, label: 'I love this', testId: 'rate-love', Icon: HeartIcon },
  { value: -1, label: 'Not for me', testId: 'rate-down', Icon: ThumbDownIcon },
];

/** My List toggle and thumbs (press the lit one again to take the rating back). */
export function TitleActions({ titleId }: { titleId: string }) {
  const [inList, setInList] = useState<Loadable<boolean>>({ state: 'loading' });
  const [rating, setRating] = useState<Loadable<Rating | null>>({ state: 'loading' });
  const [listBusy, setListBusy] = useState(false);
  const live = useRef(true);
  // Rating changes reach the server in the order they were made; `saved` is the last one it took.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const saved = useRef<Rating | null>(null);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  useEffect(() => {
    let active = true;
    setInList({ state: 'loading' });
    setRating({ state: 'loading' });
    api<Page<TitleSummary>>('/api/v1/my-list', { auth: 'profile' })
      .then((l) => active && setInList({ state: 'ready', value: l.items.some((t) => t.id === titleId) }))
      .catch((e) => active && setInList(missingRoute(e) ? { state: 'unavailable' } : { state: 'ready', value: false }));
    api<{ rating: Rating | null }>(`/api/v1/ratings/${enc(titleId)}`, { auth: 'profile' })
      .then((r) => {
        if (!active) return;
        saved.current = r?.rating ?? null;
        setRating({ state: 'ready', value: saved.current });
      })
      .catch((e) => {
        if (!active) return;
        saved.current = null;
        setRating(missingRoute(e) ? { state: 'unavailable' } : { state: 'ready', value: null });
      });
    return () => {
      active = false;
    };
  }, [titleId]);

  const toggleList = async () => {
    if (inList.state !== 'ready') return;
    setListBusy(true);
    try {
      await api(`/api/v1/my-list/${enc(titleId)}`, { method: inList.value ? 'DELETE' : 'PUT', auth: 'profile' });
      if (live.current) setInList({ state: 'ready', value: !inList.value });
    } catch {
      /* leave as is */
    } finally {
      if (live.current) setListBusy(false);
    }
  };

  const rate = (r: Rating) => {
    if (rating.state !== 'ready') return;
    const next = rating.value === r ? null : r;
    setRating({ state: 'ready', value: next });
    queue.current = queue.current.then(async () => {
      try {
        const path = `/api/v1/ratings/${enc(titleId)}`;
        if (next === null) await api(path, { method: 'DELETE', auth: 'profile' });
        else await api(path, { method: 'PUT', auth: 'profile', body: { rating: next } });
        saved.current = next;
      } catch {
        if (live.current) setRating({ state: 'ready', value: saved.current });
      }
    });
  };

  const current = rating.state === 'ready' ? rating.value : null;
  return (
    <>
      {inList.state !== 'unavailable' && (
        <button
          className="btn btn-ghost"
          data-testid="mylist-toggle"
          aria-pressed={inList.state === 'ready' && inList.value}
          disabled={listBusy || inList.state !== 'ready'}
          onClick={() => void toggleList()}
        >
          {inList.state === 'ready' && inList.value ? <CheckIcon /> : <PlusIcon />} My List
        </button>
      )}
      {rating.state !== 'unavailable' &&
        RATINGS.map(({ value, label, testId, Icon }) => (
          <button
            key={value}
            className={`btn btn-ghost btn-icon thumb-btn${current === value ? ' active' : ''}`}
            aria-label={label}
            aria-pressed={current === value}
            title={current === value ? `${label} (press again to remove)` : label}
            data-testid={testId}
            disabled={rating.state !== 'ready'}
            onClick={() => rate(value)}
          >
            <Icon />
          </button>
        ))}
    </>
  );
}
