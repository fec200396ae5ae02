import { useState } from 'react';
import { navigate, watchHref } from '../router';
import { formatDuration, sortedSeasons } from '../titles';
import type { Title } from '../types';
import { PlayIcon } from './Icons';

export function EpisodeList({ title }: { title: Title }) {
  const seasons = sortedSeasons(title);
  const [seasonNo, setSeasonNo] = useState(seasons[0]?.number ?? 1);
  const season = seasons.find((s) => s.number === seasonNo) ?? seasons[0];
  if (!season) return <p className="muted">No episodes yet.</p>;

  return (
    <section data-testid="episodes">
      <div className="episodes-head">
        <h2>Episodes</h2>
        {seasons.length > 1 ? (
          <select
            className="season-select"
            aria-label="Season"
            data-testid="season-select"
            value={season.number}
            onChange={(e) => setSeasonNo(Number(e.target.value))}
          >
            {seasons.map((s) => (
              <option key={s.number} value={s.number}>
                {s.name || `Season ${s.number}`}
              </option>
            ))}
          </select>
        ) : (
          <span className="muted">{season.name || `Season ${season.number}`}</span>
        )}
      </div>
      <ol className="episode-list">
        {season.episodes.map((ep) => (
          <li key={ep.id} className="episode" data-testid="episode" data-episode-id={ep.id}>
            <span className="episode-num">{ep.number}</span>
            <div>
              <div className="episode-name">
                <span>{ep.name}</span>
                <span className="muted">{formatDuration(ep.durationSec)}</span>
              </div>
              {ep.synopsis && <div className="episode-syn">{ep.synopsis}</div>}
            </div>
            {ep.videoId ? (
              <button
                className="round-play"
                data-testid="episode-play"
                data-video-id={ep.videoId}
                aria-label={`Play episode ${ep.number}: ${ep.name}`}
                onClick={() => navigate(watchHref(ep.videoId!, title.id))}
              >
                <PlayIcon />
              </button>
            ) : (
              <span className="tag-na" data-testid="not-available">
                Not available yet
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
