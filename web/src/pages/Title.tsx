import { useEffect, useState } from 'react';
import { api, ApiError, errorMessage } from '../api';
import { EpisodeList } from '../components/EpisodeList';
import { PlayIcon } from '../components/Icons';
import { ErrorView, Loading } from '../components/Status';
import { TitleActions } from '../components/TitleActions';
import { loadShaka } from '../player/shaka';
import { navigate, watchHref } from '../router';
import { firstPlayable, formatDuration, joinNames, sortedSeasons } from '../titles';
import type { Title as TitleT } from '../types';
import '../styles/home.css';
import '../styles/title.css';

// Warm the player chunk and Shaka Player while the viewer reads the synopsis.
const prefetchPlayer = () => {
  void import('./Watch').catch(() => undefined);
  void loadShaka().catch(() => undefined);
};

export default function Title({ id }: { id: string }) {
  const [title, setTitle] = useState<TitleT | null>(null);
  const [error, setError] = useState<{ message: string; notFound: boolean } | null>(null);

  useEffect(() => {
    let live = true;
    setTitle(null);
    setError(null);
    api<TitleT>(`/api/v1/titles/${encodeURIComponent(id)}`, { auth: 'profile' })
      .then((t) => live && setTitle(t))
      .catch(
        (e) =>
          live &&
          setError({
            message: e instanceof ApiError && e.status === 404 ? 'We couldn’t find that title.' : errorMessage(e),
            notFound: e instanceof ApiError && e.status === 404,
          }),
      );
    const idle = setTimeout(prefetchPlayer, 800);
    return () => {
      live = false;
      clearTimeout(idle);
    };
  }, [id]);

  if (error)
    return (
      <ErrorView message={error.message}>
        <button className="btn" onClick={() => navigate('/')}>
          Back to Home
        </button>
      </ErrorView>
    );
  if (!title) return <Loading />;

  const isSeries = title.type === 'series';
  const seasons = sortedSeasons(title);
  const backdrop = title.artwork?.backdrop ?? title.artwork?.poster;
  const seriesFirst = isSeries ? firstPlayable(title) : null;
  const genres = joinNames(title.genres);

  return (
    <main data-testid="title-page" data-title-id={title.id} data-title-type={title.type}>
      <section className="hero" style={backdrop ? { backgroundImage: `url("${backdrop}")` } : undefined}>
        <div className="hero-body">
          <h1 data-testid="title-name">{title.name}</h1>
          <div className="meta">
            {title.year && <span data-testid="title-year">{title.year}</span>}
            {title.maturityRating && (
              <span className="rating" data-testid="title-rating">
                {title.maturityRating}
              </span>
            )}
            {isSeries ? (
              seasons.length > 0 && <span>{seasons.length === 1 ? '1 Season' : `${seasons.length} Seasons`}</span>
            ) : (
              <span>{formatDuration(title.durationSec)}</span>
            )}
            {genres && <span data-testid="title-genres">{genres}</span>}
          </div>
          <div className="actions">
            {!isSeries &&
              (title.videoId ? (
                <button
                  className="btn btn-light"
                  data-testid="title-play"
                  data-video-id={title.videoId}
                  onMouseEnter={prefetchPlayer}
                  onClick={() => navigate(watchHref(title.videoId!, title.id))}
                >
                  <PlayIcon /> Play
                </button>
              ) : (
                <span className="unavailable" data-testid="not-available">
                  Not available yet
                </span>
              ))}
            {isSeries && seriesFirst && (
              <button
                className="btn btn-light"
                data-testid="series-play"
                onClick={() => navigate(watchHref(seriesFirst, title.id))}
              >
                <PlayIcon /> Play
              </button>
            )}
            {isSeries && !seriesFirst && (
              <span className="unavailable" data-testid="not-available">
                Not available yet
              </span>
            )}
            <TitleActions titleId={title.id} />
          </div>
          {title.synopsis && (
            <p className="synopsis" data-testid="title-synopsis">
              {title.synopsis}
            </p>
          )}
        </div>
      </section>
      <div className={`details${isSeries ? '' : ' single'}`}>
        {isSeries && (
          <div>
            <EpisodeList title={title} />
          </div>
        )}
        <aside className="credits">
          {title.cast && title.cast.length > 0 && (
            <div data-testid="title-cast">
              <span className="label">Cast: </span>
              {joinNames(title.cast, 12)}
            </div>
          )}
          {title.directors && title.directors.length > 0 && (
            <div data-testid="title-directors">
              <span className="label">{title.directors.length > 1 ? 'Directors: ' : 'Director: '}</span>
              {joinNames(title.directors)}
            </div>
          )}
          {genres && (
            <div>
              <span className="label">Genres: </span>
              {genres}
            </div>
          )}
          {title.maturityRating && (
            <div>
              <span className="label">Maturity rating: </span>
              {title.maturityRating}
            </div>
          )}
        </aside>
      </div>
    </main>
  );
}
