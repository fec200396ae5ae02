import { useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import type { Page, TitleSummary } from '../types';
import { CheckIcon, HeartIcon, PlusIcon, ThumbDownIcon, ThumbUpIcon } from './Icons';

type Rating = -1 | 1 | 2;

/** My List toggle and thumbs; best effort (the viewing module may not be up). */
export function TitleActions({ titleId }: { titleId: string }) {
  /** null while loading; 'unavailable' when the server has no My List. */
  const [inList, setInList] = useState<boolean | null | 'unavailable'>(null);
  const [rating, setRating] = useState<Rating | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api<Page<TitleSummary>>('/api/v1/my-list', { auth: 'profile' })
      .then((l) => live && setInList(l.items.some((t) => t.id === titleId)))
      .catch((e) => live && setInList(e instanceof ApiError && e.status === 404 ? 'unavailable' : false));
    return () => {
      live = false;
    };
  }, [titleId]);

  const toggleList = async () => {
    setBusy(true);
    try {
      await api(`/api/v1/my-list/${encodeURIComponent(titleId)}`, { method: inList === true ? 'DELETE' : 'PUT', auth: 'profile' });
      setInList(inList !== true);
    } catch {
      /* leave as is */
    } finally {
      setBusy(false);
    }
  };

  const rate = async (r: Rating) => {
    const prev = rating;
    setRating(r);
    try {
      await api(`/api/v1/ratings/${encodeURIComponent(titleId)}`, { method: 'PUT', auth: 'profile', body: { rating: r } });
    } catch {
      setRating(prev);
    }
  };

  return (
    <>
      {inList !== 'unavailable' && (
        <button
          className="btn btn-ghost"
          data-testid="mylist-toggle"
          aria-pressed={inList === true}
          disabled={busy || inList === null}
          onClick={() => void toggleList()}
        >
          {inList ? <CheckIcon /> : <PlusIcon />} My List
        </button>
      )}
      <button
        className={`btn btn-ghost btn-icon thumb-btn${rating === 1 ? ' active' : ''}`}
        aria-label="I like this"
        data-testid="rate-up"
        onClick={() => void rate(1)}
      >
        <ThumbUpIcon />
      </button>
      <button
        className={`btn btn-ghost btn-icon thumb-btn${rating === 2 ? ' active' : ''}`}
        aria-label="I love this"
        data-testid="rate-love"
        onClick={() => void rate(2)}
      >
        <HeartIcon />
      </button>
      <button
        className={`btn btn-ghost btn-icon thumb-btn${rating === -1 ? ' active' : ''}`}
        aria-label="Not for me"
        data-testid="rate-down"
        onClick={() => void rate(-1)}
      >
        <ThumbDownIcon />
      </button>
    </>
  );
}
