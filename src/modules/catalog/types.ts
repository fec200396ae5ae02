import type { AvailabilityWindow } from './availability.ts';
import type { MaturityRating } from './maturity.ts';

export type TitleType = 'movie' | 'series';
export type TitleSort = 'popular' | 'new' | 'title';

export interface Artwork {
  poster: string | null;
  backdrop: string | null;
}

export interface TitleSummary {
  id: string;
  type: TitleType;
  name: string;
  year: number | null;
  genres: string[];
  maturityRating: MaturityRating;
  popularity: number;
  artwork: Artwork;
}

export interface Episode {
  id: string;
  season: number;
  number: number;
  name: string;
  synopsis: string;
  durationSec: number | null;
  videoId: string | null;
}

export interface Title extends TitleSummary {
  synopsis: string;
  cast: string[];
  directors: string[];
  regions: string[] | 'worldwide';
  /** ISO 639-1 codes of the audio tracks and of the subtitles. */
  audioLanguages: string[];
  subtitleLanguages: string[];
  durationSec?: number | null;
  videoId?: string | null;
  seasons?: { number: number; episodes: Episode[] }[];
}

/** What the catalog needs to know about the reader: their profile's limit and their country. */
export interface CatalogViewer {
  maxMaturityRating: string;
  country: string;
}

export interface TitleQuery {
  genre?: string;
  type?: TitleType;
  sort?: TitleSort;
  cursor?: string;
  limit?: number;
  ids?: string[];
}

export interface NewTitle {
  type: TitleType;
  name: string;
  synopsis?: string;
  year?: number;
  genres?: string[];
  cast?: string[];
  directors?: string[];
  maturityRating?: MaturityRating;
  regions?: string[];
  popularity?: number;
  /** ISO 639-1 codes. */
  audioLanguages?: string[];
  subtitleLanguages?: string[];
}

export interface NewEpisode {
  season: number;
  number: number;
  name: string;
  synopsis?: string;
}

/** Where a playable video sits in the catalog, for entitlement checks at playback start. */
export interface PlayableItem {
  titleId: string;
  episodeId: string | null;
  titleName: string;
  durationSec: number | null;
  maturityRating: MaturityRating;
  worldwide: boolean;
  regions: string[];
  /** Licensing windows; when there are any they decide availability instead of `regions`. */
  windows: AvailabilityWindow[];
  published: boolean;
  ownerAccountId: string | null;
}

/** A published title with everything search indexes about it. */
export interface IndexableTitle {
  id: string;
  type: TitleType;
  name: string;
  synopsis: string;
  year: number | null;
  maturityRating: MaturityRating;
  popularity: number;
  worldwide: boolean;
  regions: string[];
  genres: { id: string; name: string }[];
  cast: string[];
  directors: string[];
  episodes: string[];
  audioLanguages: string[];
  subtitleLanguages: string[];
}

/** What the catalog tells listeners (search, caches) after a change is committed. */
export interface CatalogEvent {
  type: 'title_published' | 'title_changed' | 'title_withdrawn';
  titleId: string;
}
