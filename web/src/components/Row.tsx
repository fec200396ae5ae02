import { useRef } from 'react';
import type { HomeRow } from '../types';
import { ChevronLeftIcon, ChevronRightIcon } from './Icons';
import { TitleCard } from './TitleCard';

export function Row({ row }: { row: HomeRow }) {
  const track = useRef<HTMLDivElement>(null);
  const scroll = (dir: 1 | -1) => {
    const el = track.current;
    if (el) el.scrollBy({ left: dir * el.clientWidth * 0.85, behavior: 'smooth' });
  };
  if (row.items.length === 0) return null;
  return (
    <section className="row" data-testid="home-row" data-kind={row.kind} data-row-id={row.id}>
      <h2>{row.title}</h2>
      <div className="row-viewport">
        <button className="row-arrow left" aria-label={`Scroll ${row.title} left`} onClick={() => scroll(-1)}>
          <ChevronLeftIcon />
        </button>
        <div className="row-track" ref={track}>
          {row.items.map((item) => (
            <TitleCard key={`${item.id}:${item.videoId ?? ''}`} item={item} />
          ))}
        </div>
        <button className="row-arrow right" aria-label={`Scroll ${row.title} right`} onClick={() => scroll(1)}>
          <ChevronRightIcon />
        </button>
      </div>
    </section>
  );
}
