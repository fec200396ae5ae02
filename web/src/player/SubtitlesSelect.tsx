import { useEffect, useState } from 'react';
import type { ShakaPlayer } from './shaka';

type TextTrack = ReturnType<ShakaPlayer['getTextTracks']>[number];

/** The subtitle languages the manifest lists, plus Off; shown only when there are any. */
export function SubtitlesSelect({ player }: { player: ShakaPlayer | null }) {
  const [tracks, setTracks] = useState<TextTrack[]>([]);

  useEffect(() => {
    if (!player) return setTracks([]);
    const refresh = () => setTracks(player.getTextTracks());
    const events = ['loaded', 'trackschanged', 'textchanged'];
    for (const e of events) player.addEventListener(e, refresh);
    refresh();
    return () => {
      for (const e of events) player.removeEventListener(e, refresh);
    };
  }, [player]);

  if (!player || tracks.length === 0) return null;
  const active = tracks.find((t) => t.active);
  return (
    <select
      className="subtitles-select"
      aria-label="Subtitles"
      data-testid="subtitles-select"
      value={active ? String(active.id) : ''}
      onChange={(e) => {
        const chosen = tracks.find((t) => String(t.id) === e.target.value);
        player.selectTextTrack(chosen ?? null);
        setTracks(player.getTextTracks());
      }}
    >
      <option value="">Subtitles off</option>
      {tracks.map((t) => (
        <option key={t.id} value={String(t.id)}>
          {t.label || t.language}
        </option>
      ))}
    </select>
  );
}
