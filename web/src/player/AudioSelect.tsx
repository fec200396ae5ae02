import { audioLanguages, languageName, trackForLanguage } from './audioChoice';
import type { ShakaPlayer } from './shaka';
import { usePlayerTracks } from './usePlayerTracks';

const readAudioTracks = (player: ShakaPlayer) => player.getAudioTracks();
const AUDIO_EVENTS = ['loaded', 'trackschanged', 'variantchanged', 'adaptation'];

/** The spoken languages the manifest lists; shown only when there is a choice. */
export function AudioSelect({ player }: { player: ShakaPlayer | null }) {
  const [tracks, refresh] = usePlayerTracks(player, readAudioTracks, AUDIO_EVENTS);

  const languages = audioLanguages(tracks);
  if (!player || languages.length < 2) return null;
  return (
    <select
      className="subtitles-select audio-select"
      aria-label="Audio language"
      data-testid="audio-select"
      value={languages.find((l) => l.active)?.language ?? ''}
      onChange={(e) => {
        const chosen = trackForLanguage(player.getAudioTracks(), e.target.value);
        if (chosen) player.selectAudioTrack(chosen);
        refresh();
      }}
    >
      {languages.map((l) => (
        <option key={l.language} value={l.language}>
          {languageName(l.language)}
        </option>
      ))}
    </select>
  );
}
