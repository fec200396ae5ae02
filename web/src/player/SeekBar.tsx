import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { thumbnailAt, type ThumbnailCue } from './trickplay';

const clock = (sec: number): string => {
  const s = Math.max(0, Math.floor(sec));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
};

/**
 * The timeline: click or drag to seek; hovering or dragging shows the trick-play thumbnail for
 * the time under the cursor (a tile of a sprite sheet, drawn as a CSS background).
 */
export function SeekBar({ video, thumbnails }: { video: HTMLVideoElement; thumbnails: readonly ThumbnailCue[] }) {
  const bar = useRef<HTMLDivElement>(null);
  const [now, setNow] = useState(video.currentTime);
  const [duration, setDuration] = useState(video.duration);
  const [hover, setHover] = useState<{ time: number; left: number } | null>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const update = () => {
      setNow(video.currentTime);
      setDuration(video.duration);
    };
    update();
    for (const e of ['timeupdate', 'durationchange', 'seeked', 'loadedmetadata']) video.addEventListener(e, update);
    return () => {
      for (const e of ['timeupdate', 'durationchange', 'seeked', 'loadedmetadata']) video.removeEventListener(e, update);
    };
  }, [video]);

  const known = Number.isFinite(duration) && duration > 0;
  const at = (e: PointerEvent<HTMLDivElement>) => {
    const r = bar.current!.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    return { time: f * (known ? duration : 0), left: f * r.width };
  };
  const move = (e: PointerEvent<HTMLDivElement>) => {
    if (!known) return;
    const p = at(e);
    setHover(p);
    if (dragging) setNow(p.time);
  };
  const down = (e: PointerEvent<HTMLDivElement>) => {
    if (!known) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    setDragging(true);
    const p = at(e);
    setHover(p);
    setNow(p.time);
  };
  const up = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragging) return;
    setDragging(false);
    video.currentTime = at(e).time;
  };

  const cue = hover ? thumbnailAt(thumbnails, hover.time) : undefined;
  const width = bar.current?.getBoundingClientRect().width ?? 0;
  const previewWidth = cue?.w ?? 0;
  return (
    <div
      className="seekbar"
      data-testid="seekbar"
      ref={bar}
      role="slider"
      aria-label="Seek"
      aria-valuemin={0}
      aria-valuemax={known ? Math.round(duration) : 0}
      aria-valuenow={Math.round(now)}
      aria-valuetext={clock(now)}
      onPointerMove={move}
      onPointerDown={down}
      onPointerUp={up}
      onPointerLeave={() => !dragging && setHover(null)}
    >
      <div className="seekbar-track">
        <div className="seekbar-fill" style={{ width: `${known ? (100 * now) / duration : 0}%` }} />
      </div>
      {hover && (
        <div className="seekbar-preview" data-testid="seek-preview" style={{ left: Math.min(Math.max(hover.left - previewWidth / 2, 0), Math.max(0, width - previewWidth)) }}>
          {cue && (
            <div
              className="seekbar-thumb"
              data-testid="seek-thumbnail"
              data-sprite={cue.url}
              style={{ width: cue.w, height: cue.h, backgroundImage: `url("${cue.url}")`, backgroundPosition: `-${cue.x}px -${cue.y}px` }}
            />
          )}
          <span className="seekbar-time">{clock(hover.time)}</span>
        </div>
      )}
    </div>
  );
}
