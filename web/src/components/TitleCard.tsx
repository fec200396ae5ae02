import { useState, type ReactNode } from 'react';
import { Link, titleHref, watchHref } from '../router';
import type { TitleSummary } from '../types';
import { PlayIcon } from './Icons';

/** A poster card. Continue-watching items (with videoId and progress) go straight to the player. */
export function TitleCard({ item, badge }: { item: TitleSummary; badge?: ReactNode }) {
  const [broken, setBroken] = useState(false);
  const resumable = Boolean(item.videoId) && typeof item.progress === 'number';
  const href = resumable ? watchHref(item.videoId!, item.id) : titleHref(item.id);
  const poster = item.artwork?.poster;
  const pct = Math.round(Math.min(1, Math.max(0, item.progress ?? 0)) * 100);
  return (
    <Link
      href={href}
      className="card"
      data-testid="title-card"
      data-title-id={item.id}
      data-video-id={resumable ? item.videoId : undefined}
      title={item.name}
      aria-label={resumable ? `Resume ${item.name}` : item.name}
    >
      <div className="card-poster">
        {poster && !broken ? (
          <img src={poster} alt="" loading="lazy" decoding="async" onError={() => setBroken(true)} />
        ) : (
          <div className="card-fallback">{item.name}</div>
        )}
        {badge}
        {resumable && (
          <div className="card-play" aria-hidden="true">
            <PlayIcon />
          </div>
        )}
      </div>
      {typeof item.progress === 'number' && (
        <div
          className="card-progress"
          data-testid="card-progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
        >
          <div style={{ width: `${pct}%` }} />
        </div>
      )}
      <div className="card-name">{item.name}</div>
    </Link>
  );
}
