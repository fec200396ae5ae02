import type { ShakaPlayer } from './shaka';
import { usePlayerTracks } from './usePlayerTracks';

const readTextTracks = (player: ShakaPlayer) => player.getTextTracks();
const TEXT_EVENTS = ['loaded', 'trackschanged', 'textchanged'];

/** The subtitle languages the manifest lists, plus Off; shown only when there are any. */
export function SubtitlesSelect({ player }: { player: ShakaPlayer | null }) {
  const [tracks, refresh] = usePlayerTracks(player, readTextTracks, TEXT_EVENTS);

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
        refresh();
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
