import { useEffect, useRef, useState } from 'react';
import { ApiError, downloadFile, errorMessage } from '../api';
import { CheckIcon, CloseIcon } from '../components/Icons';
import { ErrorView, Loading } from '../components/Status';
import { Link, titleHref } from '../router';
import { useSession } from '../session';
import type { HistoryItem } from '../types';
import {
  clearHistory,
  deviceLabel,
  episodeCode,
  episodesFor,
  fetchHistory,
  formatWatched,
  removeHistoryItem,
  type EpisodeInfo,
} from '../viewing';
import '../styles/viewing.css';

const PAGE_SIZE = 20;

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const timeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatDate(iso: string): { short: string; long: string } {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { short: '', long: '' };
  return { short: dateFmt.format(d), long: timeFmt.format(d) };
}

/** /activity: what this profile watched, newest first, on every device. */
export default function Activity() {
  const { profile } = useSession();
  const [items, setItems] = useState<HistoryItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [episodes, setEpisodes] = useState<Map<string, EpisodeInfo>>(() => new Map());
  const [exporting, setExporting] = useState<'csv' | 'json' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [clearing, setClearing] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const live = useRef(true);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const labelEpisodes = (page: HistoryItem[]) => {
    if (!page.some((i) => i.episodeId)) return;
    void episodesFor(page).then((found) => {
      if (live.current && found.size) setEpisodes((prev) => new Map([...prev, ...found]));
    });
  };

  useEffect(() => {
    const ctl = new AbortController();
    setItems(null);
    setLoadError(null);
    fetchHistory(null, PAGE_SIZE, ctl.signal)
      .then((p) => {
        setItems(p.items);
        setCursor(p.nextCursor ?? null);
        labelEpisodes(p.items);
      })
      .catch((e) => {
        if (ctl.signal.aborted) return;
        setLoadError(e instanceof ApiError && e.code === 'route_not_found' ? 'Viewing activity isn’t available yet.' : errorMessage(e));
      });
    return () => ctl.abort();
    // The profile token changes on profile switch; the page reloads with it.
  }, [profile?.id, attempt]);

  const loadMore = async () => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const p = await fetchHistory(cursor, PAGE_SIZE);
      if (!live.current) return;
      // Something watched meanwhile may already be on screen: keep the first copy.
      setItems((prev) => {
        const seen = new Set((prev ?? []).map((i) => i.videoId));
        return [...(prev ?? []), ...p.items.filter((i) => !seen.has(i.videoId))];
      });
      setCursor(p.nextCursor ?? null);
      labelEpisodes(p.items);
    } catch (e) {
      if (live.current) setMoreError(errorMessage(e));
    } finally {
      if (live.current) setLoadingMore(false);
    }
  };

  const remove = async (item: HistoryItem) => {
    setActionError(null);
    const index = items?.findIndex((i) => i.videoId === item.videoId) ?? -1;
    setItems((prev) => prev?.filter((i) => i.videoId !== item.videoId) ?? prev);
    try {
      await removeHistoryItem(item.videoId);
    } catch (e) {
      if (!live.current) return;
      // Put it back where it was.
      setItems((prev) => {
        if (!prev || prev.some((i) => i.videoId === item.videoId)) return prev;
        const next = [...prev];
        next.splice(Math.min(Math.max(index, 0), next.length), 0, item);
        return next;
      });
      setActionError(`Couldn’t remove “${item.title?.name ?? 'that title'}”: ${errorMessage(e)}`);
    }
  };

  const exportAs = async (format: 'csv' | 'json') => {
    setActionError(null);
    setExporting(format);
    try {
      await downloadFile('/api/v1/history/export', `viewing-activity.${format}`, { auth: 'profile', query: { format } });
    } catch (e) {
      if (live.current) setActionError(`Download failed: ${errorMessage(e)}`);
    } finally {
      if (live.current) setExporting(null);
    }
  };

  const clearAll = async () => {
    setActionError(null);
    setClearing(true);
    try {
      await clearHistory();
      if (!live.current) return;
      setItems([]);
      setCursor(null);
      setConfirming(false);
    } catch (e) {
      if (live.current) setActionError(`Couldn’t clear viewing activity: ${errorMessage(e)}`);
    } finally {
      if (live.current) setClearing(false);
    }
  };

  if (loadError)
    return (
      <main className="page" data-testid="activity-page">
        <ErrorView message={loadError}>
          <button className="btn" onClick={() => setAttempt((a) => a + 1)}>
            Try again
          </button>
        </ErrorView>
      </main>
    );

  const hasItems = Boolean(items && items.length > 0);
  return (
    <main className="page activity" data-testid="activity-page">
      <div className="activity-head">
        <div>
          <h1 className="page-title">Viewing activity</h1>
          {profile && <p className="muted activity-sub">Everything {profile.name} watched, on every device.</p>}
        </div>
        <div className="activity-tools">
          <button
            className="btn"
            data-testid="activity-export-csv"
            disabled={exporting !== null}
            onClick={() => void exportAs('csv')}
          >
            {exporting === 'csv' ? 'Preparing…' : 'Download CSV'}
          </button>
          <button
            className="btn"
            data-testid="activity-export-json"
            disabled={exporting !== null}
            onClick={() => void exportAs('json')}
          >
            {exporting === 'json' ? 'Preparing…' : 'Download JSON'}
          </button>
        </div>
      </div>

      {actionError && (
        <div className="alert activity-alert" role="alert" data-testid="activity-error">
          {actionError}
        </div>
      )}

      {!items ? (
        <Loading />
      ) : !hasItems && !cursor ? (
        <p className="empty" data-testid="activity-empty">
          Nothing here yet. Titles {profile ? `${profile.name} watches` : 'you watch'} will show up here.
        </p>
      ) : (
        <>
          {hasItems && (
          <ol className="activity-list">
            {items.map((item) => {
              const ep = item.episodeId ? episodes.get(item.episodeId) : undefined;
              const when = formatDate(item.lastWatchedAt);
              const name = item.title?.name ?? 'Title no longer available';
              return (
                <li key={item.videoId} className="activity-item" data-testid="activity-item" data-video-id={item.videoId}>
                  <time className="activity-date" dateTime={item.lastWatchedAt} title={when.long}>
                    {when.short}
                  </time>
                  <div className="activity-what">
                    {item.title ? (
                      <Link href={titleHref(item.titleId)} className="activity-title">
                        {name}
                      </Link>
                    ) : (
                      <span className="activity-title muted">{name}</span>
                    )}
                    {ep ? (
                      <span className="activity-episode">
                        {episodeCode(ep)} · {ep.name}
                      </span>
                    ) : (
                      item.episodeId && <span className="activity-episode muted">Episode</span>
                    )}
                  </div>
                  <div className="activity-meta">
                    <span className="activity-device" title={item.deviceId ?? undefined}>
                      {deviceLabel(item.deviceId)}
                    </span>
                    <span className="activity-watched-time">{formatWatched(item.watchedSec)}</span>
                    {item.completed && (
                      <span className="activity-done" data-testid="activity-completed">
                        <CheckIcon /> Watched
                      </span>
                    )}
                  </div>
                  <button
                    className="activity-remove"
                    data-testid="activity-remove"
                    aria-label={`Remove ${name}${ep ? ` ${episodeCode(ep)}` : ''} from viewing activity`}
                    title="Remove from viewing activity"
                    onClick={() => void remove(item)}
                  >
                    <CloseIcon />
                  </button>
                </li>
              );
            })}
          </ol>
          )}
          {moreError && (
            <div className="alert activity-alert" role="alert">
              {moreError}
            </div>
          )}
          {cursor && (
            <div className="activity-more">
              <button className="btn" data-testid="activity-load-more" disabled={loadingMore} onClick={() => void loadMore()}>
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}

      {items && (hasItems || cursor) && (
        <section className="activity-danger">
          {!confirming ? (
            <button className="btn btn-link" data-testid="activity-clear" onClick={() => setConfirming(true)}>
              Clear all viewing activity
            </button>
          ) : (
            <div className="activity-confirm" role="alertdialog" aria-labelledby="activity-confirm-text">
              <p id="activity-confirm-text">
                Remove everything {profile?.name ?? 'this profile'} watched from viewing activity and Continue Watching, on
                every device? This can’t be undone.
              </p>
              <div className="actions">
                <button
                  className="btn btn-primary"
                  data-testid="activity-clear-confirm"
                  disabled={clearing}
                  onClick={() => void clearAll()}
                >
                  {clearing ? 'Clearing…' : 'Clear all'}
                </button>
                <button className="btn" data-testid="activity-clear-cancel" disabled={clearing} onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            </div>
          )}
        </section>
      )}
    </main>
  );
}
