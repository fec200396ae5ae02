import { useEffect, useState } from 'react';
import { audioLanguages, languageName, trackForLanguage } from './audioChoice';
import type { ShakaPlayer } from './shaka';

type AudioTrack = ReturnType<ShakaPlayer['getAudioTracks']>[number];

/** The spoken languages the manifest lists; shown only when there is a choice. */
export function AudioSelect({ player }: { player: ShakaPlayer | null }) {
  const [tracks, setTracks] = useState<AudioTrack[]>([]);

  useEffect(() => {
    if (!player) return setTracks([]);
    const refresh = () => setTracks(player.getAudioTracks());
    const events = ['loaded', 'trackschanged', 'variantchanged', 'adaptation'];
    for (const e of events) player.addEventListener(e, refresh);
    refresh();
    return () => {
      for (const e of events) player.removeEventListener(e, refresh);
    };
  }, [player]);

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
        setTracks(player.getAudioTracks());
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
