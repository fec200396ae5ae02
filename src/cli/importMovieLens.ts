import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Marquee } from '../app.ts';
import type { SeedReporter } from '../demo/seedDemo.ts';
import { type MovieLensRating, MovielensFormatError, parseMovies, parseRatings } from '../modules/recommend/index.ts';

/** Every imported viewer signs in with this password (the data is public; the accounts are for looking). */
export const MOVIELENS_PASSWORD = 'movielens';
const DURATION_SEC = 6000;
/** MovieLens has no countries; viewers are spread over a few so trending per country has something to show. */
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'CA', 'BR', 'IN', 'JP'];
const SOURCE = { title: 'movielens:title', profile: 'movielens:profile', viewing: 'movielens:viewing' } as const;

export class MovieLensDirError extends Error {}

export const movieLensEmail = (userId: string) => `movielens-${userId}@movielens.example`;

/** "Matrix, The" is how MovieLens files "The Matrix". */
const displayName = (text: string) => text.trim().replace(/^(.*), (The|A|An|Les|La|Le|Il|El|Das|Der|Die)$/, '$2 $1');

/**
 * How a star rating becomes what Marquee records: 3 stars or more is a finished film, less a play
 * abandoned early; 4 and up is a thumbs up (4.5 and 5 two thumbs), 1.5 and below a thumbs down.
 */
export function viewingOf(r: Pick<MovieLensRating, 'rating'>): { share: number; thumbs: -1 | 1 | 2 | null } {
  return { share: r.rating >= 3 ? 1 : 0.15, thumbs: r.rating >= 4.5 ? 2 : r.rating >= 4 ? 1 : r.rating <= 1.5 ? -1 : null };
}

function readDir(dir: string): { movies: ReturnType<typeof parseMovies>; ratings: MovieLensRating[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MovieLensDirError(`no such directory: ${dir}`);
  const read = (file: string) => {
    const path = join(dir, file);
    if (!existsSync(path)) throw new MovieLensDirError(`${path} not found (a MovieLens directory holds movies.csv and ratings.csv)`);
    return readFileSync(path, 'utf8');
  };
  try {
    return { movies: parseMovies(read('movies.csv')), ratings: parseRatings(read('ratings.csv')) };
  } catch (err) {
    if (err instanceof MovielensFormatError) throw new MovieLensDirError(err.message);
    throw err;
  }
}

/**
 * Loads a MovieLens directory: movies as published catalog titles (genres, year from the title,
 * popularity from the number of ratings), users as accounts with one profile each, ratings as
 * plays and thumbs. What an earlier run created is remembered, so a re-run adds only what is new.
 */
export async function importMovieLens(m: Marquee, dir: string, reporter: SeedReporter): Promise<{ titles: number; profiles: number; ratings: number }> {
  const { movies, ratings } = readDir(dir);
  const { catalog, identity, profiles, viewing, recommend } = m.services;
  const ledger = recommend.importLedger;

  const ratingCount = new Map<string, number>();
  for (const r of ratings) ratingCount.set(r.itemId, (ratingCount.get(r.itemId) ?? 0) + 1);
  const titleIds = await ledger.imported(SOURCE.title);
  let done = 0;
  for (const movie of movies) {
    if (!titleIds.has(movie.itemId)) {
      const t = await catalog.createTitle({ type: 'movie', name: displayName(movie.text) || `MovieLens ${movie.itemId}`, genres: movie.genres, ...(movie.year ? { year: movie.year } : {}), maturityRating: '13+', popularity: ratingCount.get(movie.itemId) ?? 0 }, null);
      // A catalog entry to browse and rate; there is no video behind it.
      await catalog.attachVideo({ titleId: t.id, videoId: `movielens-${movie.itemId}`, durationSec: DURATION_SEC });
      await ledger.record(SOURCE.title, movie.itemId, t.id);
      titleIds.set(movie.itemId, t.id);
    }
    if (++done % 50 === 0 || done === movies.length) reporter.step('titles', `${done}/${movies.length}`, done / movies.length);
  }
  reporter.done('titles');

  const byUser = new Map<string, MovieLensRating[]>();
  for (const r of ratings) {
    const list = byUser.get(r.userId);
    if (list) list.push(r);
    else byUser.set(r.userId, [r]);
  }
  const profileIds = await ledger.imported(SOURCE.profile);
  const viewed = await ledger.imported(SOURCE.viewing);
  done = 0;
  for (const [userId, theirs] of byUser) {
    const country = COUNTRIES[Number.parseInt(userId, 10) % COUNTRIES.length] ?? 'US';
    let profileId = profileIds.get(userId);
    if (!profileId) {
      const email = movieLensEmail(userId);
      const accountId = (await identity.accountIdByEmail(email)) ?? (await identity.signup({ email, password: MOVIELENS_PASSWORD, country })).accountId;
      profileId = (await profiles.list(accountId))[0]?.id ?? (await profiles.create(accountId, { name: `MovieLens ${userId}` })).id;
      await ledger.recordCountry(profileId, country);
      await ledger.record(SOURCE.profile, userId, profileId);
    }
    if (!viewed.has(userId)) {
      const pid = profileId;
      await Promise.all(
        theirs.flatMap((r) => {
          const titleId = titleIds.get(r.itemId);
          if (!titleId) return [];
          const v = viewingOf(r);
          return [viewing.recordProgress(pid, { videoId: `movielens-${r.itemId}`, positionSec: DURATION_SEC * v.share, at: new Date(r.at * 1000).toISOString() })];
        }),
      );
      for (const r of theirs) {
        const titleId = titleIds.get(r.itemId);
        const { thumbs } = viewingOf(r);
        if (titleId && thumbs !== null) await viewing.rate(pid, titleId, thumbs);
      }
      await ledger.record(SOURCE.viewing, userId, 'done');
    }
    done++;
    reporter.step('viewers', `${done}/${byUser.size}`, done / byUser.size);
  }
  reporter.done('viewers');
  return { titles: titleIds.size, profiles: byUser.size, ratings: ratings.length };
}
