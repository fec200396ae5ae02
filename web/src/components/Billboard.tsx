import { useEffect, useState } from 'react';
import { api } from '../api';
import { Link, navigate, titleHref, watchHref } from '../router';
import { firstPlayable } from '../titles';
import type { Title, TitleSummary } from '../types';
import { InfoIcon, PlayIcon } from './Icons';

/** The big feature at the top of Home: backdrop, name, synopsis, Play and More Info. */
export function Billboard({ item }: { item: TitleSummary }) {
  const [title, setTitle] = useState<Title | null>(null);
  useEffect(() => {
    let live = true;
    api<Title>(`/api/v1/titles/${encodeURIComponent(item.id)}`, { auth: 'profile' })
      .then((t) => live && setTitle(t))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [item.id]);

  const backdrop = item.artwork?.backdrop ?? item.artwork?.poster;
  const playable = title ? firstPlayable(title) : null;
  return (
    <section
      className="billboard"
      data-testid="billboard"
      style={backdrop ? { backgroundImage: `url("${backdrop}")` } : undefined}
    >
      <div className="billboard-body">
        <h1>{item.name}</h1>
        <div className="meta">
          {item.year && <span>{item.year}</span>}
          {item.maturityRating && <span className="rating">{item.maturityRating}</span>}
          <span>{item.type === 'series' ? 'Series' : 'Film'}</span>
        </div>
        {title?.synopsis && <p>{title.synopsis}</p>}
        <div className="actions">
          {playable && (
            <button className="btn btn-light" onClick={() => navigate(watchHref(playable, item.id))}>
              <PlayIcon /> Play
            </button>
          )}
          <Link href={titleHref(item.id)} className="btn btn-ghost">
            <InfoIcon /> More Info
          </Link>
        </div>
      </div>
    </section>
  );
}
