import type { IndexableTitle } from '../catalog/index.ts';
import type { ItemContent } from './model/index.ts';
import type { TitleFacts } from './ranking.ts';

export const factsOf = (t: IndexableTitle): TitleFacts => ({
  id: t.id,
  type: t.type,
  name: t.name,
  year: t.year,
  genres: t.genres.map((g) => g.name),
  maturityRating: t.maturityRating,
  worldwide: t.worldwide,
  regions: t.regions,
  popularity: t.popularity,
});

/** What the content side of the model learns from: genres, people, year, type and rating, synopsis. */
export const contentOf = (t: IndexableTitle): ItemContent => ({
  itemId: t.id,
  genres: t.genres.map((g) => g.name),
  people: [...t.cast, ...t.directors],
  year: t.year,
  tags: [t.type, `rated:${t.maturityRating}`],
  text: t.synopsis,
});
