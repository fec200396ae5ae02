import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { HomeRow, TitleSummary } from '../types';
import { dismissContinueWatching, episodeCode, episodesFor, fetchContinueWatching, type EpisodeInfo } from '../viewing';
import { ChevronLeftIcon, ChevronRightIcon, CloseIcon } from './Icons';
import { TitleCard } from './TitleCard';
import '../styles/viewing.css';

const cardKey = (item: TitleSummary) => `${item.id}:${item.videoId ?? ''}`;

export function Row({ row }: { row: HomeRow }) {
  if (row.kind === 'continue_watching') return <ContinueRow row={row} />;
  if (row.kind === 'top10') {
    return (
      <RowFrame
        row={row}
        items={row.items}
        render={(item) => (
          <TitleCard key={cardKey(item)} item={item} badge={'rank' in item && item.rank ? <span className="top10-rank" data-testid="top10-rank">{(item as { rank: number }).rank}</span> : undefined} />
        )}
      />
    );
  }
  return <RowFrame row={row} items={row.items} render={(item) => <TitleCard key={cardKey(item)} item={item} />} />;
}

function RowFrame({ row, items, render }: { row: HomeRow; items: TitleSummary[]; render: (item: TitleSummary) => ReactNode }) {
  const track = useRef<HTMLDivElement>(null);
  const scroll = (dir: 1 | -1) => {
    const el = track.current;
    if (el) el.scrollBy({ left: dir * el.clientWidth * 0.85, behavior: 'smooth' });
  };
  if (items.length === 0) return null;
  return (
    <section className="row" data-testid="home-row" data-kind={row.kind} data-row-id={row.id}>
      <h2 title={row.reason}>{row.title}</h2>
      <div className="row-viewport">
        <button className="row-arrow left" aria-label={`Scroll ${row.title} left`} onClick={() => scroll(-1)}>
          <ChevronLeftIcon />
        </button>
        <div className="row-track" ref={track}>
          {items.map(render)}
        </div>
        <button className="row-arrow right" aria-label={`Scroll ${row.title} right`} onClick={() => scroll(1)}>
          <ChevronRightIcon />
        </button>
      </div>
    </section>
  );
}

/** Continue Watching: cards can be dismissed, and "up next" episodes say which one. */
function ContinueRow({ row }: { row: HomeRow }) {
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(() => new Set());
  // Home rows may leave out `upNext`; then /continue-watching says which videos are up next.
  const [upNextVideos, setUpNextVideos] = useState<ReadonlySet<string>>(() => new Set());
  const [episodes, setEpisodes] = useState<ReadonlyMap<string, EpisodeInfo>>(() => new Map());

  useEffect(() => {
    let live = true;
    const flagged = new Set(row.items.filter((i) => i.upNext && i.videoId).map((i) => i.videoId!));
    const unknown = row.items.some((i) => i.episodeId && i.upNext === undefined);
    const flags = unknown
      ? fetchContinueWatching()
          .then((cw) => new Set([...flagged, ...cw.items.filter((c) => c.upNext).map((c) => c.videoId)]))
          .catch(() => flagged)
      : Promise.resolve(flagged);
    void flags.then(async (videos) => {
      if (!live) return;
      setUpNextVideos(videos);
      const wanted = row.items.filter((i) => i.videoId && videos.has(i.videoId) && i.episodeId);
      if (!wanted.length) return;
      const found = await episodesFor(wanted.map((i) => ({ titleId: i.id, episodeId: i.episodeId })));
      if (live) setEpisodes(found);
    });
    return () => {
      live = false;
    };
  }, [row]);

  const dismiss = async (item: TitleSummary) => {
    setDismissed((d) => new Set(d).add(item.id));
    try {
      await dismissContinueWatching(item.id);
    } catch {
      // Bring the card back: it is still on the server's list.
      setDismissed((d) => {
        const next = new Set(d);
        next.delete(item.id);
        return next;
      });
    }
  };

  const items = row.items.filter((i) => !dismissed.has(i.id));
  return (
    <RowFrame
      row={row}
      items={items}
      render={(item) => {
        const upNext = Boolean(item.upNext || (item.videoId && upNextVideos.has(item.videoId)));
        const ep = upNext && item.episodeId ? episodes.get(item.episodeId) : undefined;
        return (
          <div key={cardKey(item)} className="cw-card" data-testid="cw-card" data-title-id={item.id}>
            <TitleCard
              item={item}
              badge={
                upNext && (
                  <span className="cw-upnext" data-testid="cw-upnext">
                    {ep ? `Up next: ${episodeCode(ep)}` : 'Up next'}
                  </span>
                )
              }
            />
            <button
              className="cw-dismiss"
              data-testid="cw-dismiss"
              aria-label={`Remove ${item.name} from Continue Watching`}
              title="Remove from Continue Watching"
              onClick={() => void dismiss(item)}
            >
              <CloseIcon />
            </button>
          </div>
        );
      }}
    />
  );
}
