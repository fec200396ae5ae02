/**
 * Which audio language the viewer may pick, and which of a language's tracks (stereo, 5.1) to
 * play when they pick it. Pure: Shaka's AudioTrack fits the structural type.
 */
export interface AudioTrackLike {
  language: string;
  channelsCount: number | null;
  active: boolean;
}

/** The languages on offer, in manifest order, and whether each is the one playing. */
export function audioLanguages(tracks: readonly AudioTrackLike[]): { language: string; active: boolean }[] {
  const out: { language: string; active: boolean }[] = [];
  for (const t of tracks) {
    const seen = out.find((l) => l.language === t.language);
    if (seen) seen.active ||= t.active;
    else out.push({ language: t.language, active: t.active });
  }
  return out;
}

/**
 * The track to play for `language`: the same channel count as the one playing when the language
 * has it (a viewer on stereo stays on stereo), else its fewest channels (what every device plays).
 */
export function trackForLanguage<T extends AudioTrackLike>(tracks: readonly T[], language: string): T | undefined {
  const candidates = tracks.filter((t) => t.language === language);
  const playing = tracks.find((t) => t.active)?.channelsCount ?? null;
  const channels = (t: T) => t.channelsCount ?? 2;
  return candidates.find((t) => playing !== null && t.channelsCount === playing) ?? [...candidates].sort((a, b) => channels(a) - channels(b))[0];
}

/** `fr` -> French (in the viewer's language); a tag the runtime does not know stays as it is. */
export function languageName(tag: string, locale = 'en'): string {
  if (tag === 'und' || tag === '') return 'Original';
  try {
    return new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
