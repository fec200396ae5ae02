import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { TitleSort, TitleType } from './types.ts';

export interface TitleRow {
  id: string;
  type: TitleType;
  name: string;
  sort_name: string;
  synopsis: string;
  year: number | null;
  maturity_rating: string;
  maturity_rank: number;
  popularity: number;
  poster_key: string | null;
  backdrop_key: string | null;
  video_id: string | null;
  duration_sec: number | null;
  worldwide: number;
  published: number;
  owner_account_id: string | null;
  created_at: string;
}
export interface EpisodeRow {
  id: string;
  title_id: string;
  season: number;
  number: number;
  name: string;
  synopsis: string;
  duration_sec: number | null;
  video_id: string | null;
  created_at: string;
}
type CatalogTables = {
  titles: TitleRow;
  title_regions: { title_id: string; country: string };
  title_languages: { title_id: string; kind: LanguageKind; language: string };
  title_availability: { title_id: string; country: string; starts_at: string; ends_at: string | null };
  genres: { id: string; name: string };
  title_genres: { title_id: string; genre_id: string };
  title_credits: { title_id: string; role: 'cast' | 'director'; ord: number; person_name: string };
  episodes: EpisodeRow;
};

export type LanguageKind = 'audio' | 'subtitles';
/** ISO 639-1 codes of a title's audio tracks and subtitles. */
export interface TitleLanguages {
  audio: string[];
  subtitles: string[];
}
export const NO_LANGUAGES: TitleLanguages = { audio: [], subtitles: [] };

const groupLanguages = (rows: readonly { title_id: string; kind: LanguageKind; language: string }[]): Map<string, TitleLanguages> => {
  const out = new Map<string, TitleLanguages>();
  for (const r of rows) {
    let l = out.get(r.title_id);
    if (!l) out.set(r.title_id, (l = { audio: [], subtitles: [] }));
    (r.kind === 'audio' ? l.audio : l.subtitles).push(r.language);
  }
  return out;
};

const insertLanguages = async (tx: Kysely<CatalogTables>, titleId: string, languages: TitleLanguages): Promise<void> => {
  for (const language of languages.audio) await tx.insertInto('title_languages').values({ title_id: titleId, kind: 'audio', language }).execute();
  for (const language of languages.subtitles) await tx.insertInto('title_languages').values({ title_id: titleId, kind: 'subtitles', language }).execute();
};

/** Keyset position: the sort key of the last item and its id (ids break ties). */
export interface KeysetPosition {
  key: number | string;
  id: string;
}

export interface TitleFilter {
  genre?: string;
  type?: TitleType;
  ids?: string[];
  maxRank?: number;
  country?: string;
  /** With `country`: the moment availability windows are judged at (ISO). */
  at?: string;
  publishedOnly: boolean;
}

type TitleSelect = SelectQueryBuilder<CatalogTables, 'titles', TitleRow>;

const SORT_KEY: Record<TitleSort, { column: 'popularity' | 'year' | 'sort_name'; desc: boolean }> = {
  popular: { column: 'popularity', desc: true },
  new: { column: 'year', desc: true },
  title: { column: 'sort_name', desc: false },
};

export const sortKeyOf = (row: TitleRow, sort: TitleSort): number | string =>
  sort === 'title' ? row.sort_name : sort === 'new' ? (row.year ?? 0) : Number(row.popularity);

export function catalogRepository(base: Kysely<object>) {
  const db = base.withTables<CatalogTables>();

  const filtered = (f: TitleFilter): TitleSelect => {
    let q = db.selectFrom('titles').selectAll('titles') as TitleSelect;
    if (f.publishedOnly) q = q.where('published', '=', 1);
    if (f.type) q = q.where('type', '=', f.type);
    if (f.ids) q = q.where('id', 'in', f.ids.length ? f.ids : ['']);
    if (f.genre) q = q.where('id', 'in', db.selectFrom('title_genres').select('title_id').where('genre_id', '=', f.genre));
    if (f.maxRank !== undefined) q = q.where('maturity_rank', '<=', f.maxRank);
    if (f.country) {
      const country = f.country;
      const at = f.at ?? new Date().toISOString();
      // Same rule as isAvailableIn: windows, when a title has any, replace its region list.
      q = q.where((eb) =>
        eb.or([
          eb.and([
            eb.not(eb.exists(eb.selectFrom('title_availability').select('title_id').whereRef('title_availability.title_id', '=', 'titles.id'))),
            eb.or([
              eb('worldwide', '=', 1),
              eb.exists(eb.selectFrom('title_regions').select('title_id').whereRef('title_regions.title_id', '=', 'titles.id').where('country', '=', country)),
            ]),
          ]),
          eb.exists(
            eb
              .selectFrom('title_availability')
              .select('title_id')
              .whereRef('title_availability.title_id', '=', 'titles.id')
              .where('title_availability.country', '=', country)
              .where('title_availability.starts_at', '<=', at)
              .where((w) => w.or([w('title_availability.ends_at', 'is', null), w('title_availability.ends_at', '>', at)])),
          ),
        ]),
      );
    }
    return q;
  };

  return {
    async listTitles(f: TitleFilter, sort: TitleSort, after: KeysetPosition | undefined, limit: number): Promise<TitleRow[]> {
      const { column, desc } = SORT_KEY[sort];
      // `year` may be null: order and compare on coalesce(year, 0) so keyset paging stays total.
      const key = column === 'year' ? sql<number>`coalesce(year, 0)` : sql.ref<number | string>(column);
      let q = filtered(f);
      if (after) {
        q = q.where((eb) =>
          eb.or([eb(key, desc ? '<' : '>', after.key), eb.and([eb(key, '=', after.key), eb('id', '>', after.id)])]),
        );
      }
      return q.orderBy(key, desc ? 'desc' : 'asc').orderBy('id', 'asc').limit(limit).execute();
    },
    titleById: (id: string) => db.selectFrom('titles').selectAll().where('id', '=', id).executeTakeFirst(),
    titleByVideo: (videoId: string) => db.selectFrom('titles').selectAll().where('video_id', '=', videoId).executeTakeFirst(),
    episodeByVideo: (videoId: string) => db.selectFrom('episodes').selectAll().where('video_id', '=', videoId).executeTakeFirst(),
    episodeById: (id: string) => db.selectFrom('episodes').selectAll().where('id', '=', id).executeTakeFirst(),
    episodesOf: (titleId: string) => db.selectFrom('episodes').selectAll().where('title_id', '=', titleId).orderBy('season').orderBy('number').execute(),
    windowsOf: async (titleId: string) =>
      (await db.selectFrom('title_availability').selectAll().where('title_id', '=', titleId).orderBy('country').orderBy('starts_at').execute()).map((r) => ({ country: r.country, startsAt: r.starts_at, endsAt: r.ends_at })),
    /** Replaces a title's windows in one transaction. */
    async setWindows(titleId: string, windows: { country: string; startsAt: string; endsAt: string | null }[]): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('title_availability').where('title_id', '=', titleId).execute();
        for (const w of windows) await tx.insertInto('title_availability').values({ title_id: titleId, country: w.country, starts_at: w.startsAt, ends_at: w.endsAt }).execute();
      });
    },
    regionsOf: async (titleId: string) => (await db.selectFrom('title_regions').select('country').where('title_id', '=', titleId).orderBy('country').execute()).map((r) => r.country),
    async genresOf(titleIds: string[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      if (titleIds.length === 0) return out;
      const rows = await db
        .selectFrom('title_genres')
        .innerJoin('genres', 'genres.id', 'title_genres.genre_id')
        .select(['title_genres.title_id as titleId', 'genres.name as name'])
        .where('title_genres.title_id', 'in', titleIds)
        .orderBy('genres.name')
        .execute();
      for (const r of rows) out.set(r.titleId, [...(out.get(r.titleId) ?? []), r.name]);
      return out;
    },
    creditsOf: (titleId: string) => db.selectFrom('title_credits').selectAll().where('title_id', '=', titleId).orderBy('role').orderBy('ord').execute(),
    genres: () => db.selectFrom('genres').selectAll().orderBy('name').execute(),
    async insertTitle(row: TitleRow, genres: { id: string; name: string }[], credits: { role: 'cast' | 'director'; name: string }[], regions: string[], languages: TitleLanguages = NO_LANGUAGES): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('titles').values(row).execute();
        for (const g of genres) {
          await tx.insertInto('genres').values(g).onConflict((oc) => oc.column('id').doNothing()).execute();
          await tx.insertInto('title_genres').values({ title_id: row.id, genre_id: g.id }).execute();
        }
        let ord = 0;
        for (const c of credits) await tx.insertInto('title_credits').values({ title_id: row.id, role: c.role, ord: ord++, person_name: c.name }).execute();
        for (const country of regions) await tx.insertInto('title_regions').values({ title_id: row.id, country }).execute();
        await insertLanguages(tx, row.id, languages);
      });
    },
    async languagesOf(titleId: string): Promise<TitleLanguages> {
      return groupLanguages(await db.selectFrom('title_languages').selectAll().where('title_id', '=', titleId).orderBy('kind').orderBy('language').execute()).get(titleId) ?? NO_LANGUAGES;
    },
    /** Replaces a title's audio and subtitle languages in one transaction. */
    async setLanguages(titleId: string, languages: TitleLanguages): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('title_languages').where('title_id', '=', titleId).execute();
        await insertLanguages(tx, titleId, languages);
      });
    },
    insertEpisode: (row: EpisodeRow) => db.insertInto('episodes').values(row).execute(),
    /** Attaching the video and publishing the title happen together or not at all. */
    /** Artwork set by hand (setArtwork) is kept; frames from the video fill only what is missing. */
    async attachVideo(titleId: string, episodeId: string | null, videoId: string, durationSec: number, posterKey: string | null, backdropKey: string | null): Promise<void> {
      await db.transaction().execute(async (tx) => {
        if (episodeId) {
          await tx.updateTable('episodes').set({ video_id: videoId, duration_sec: durationSec }).where('id', '=', episodeId).execute();
        } else {
          await tx.updateTable('titles').set({ video_id: videoId, duration_sec: durationSec }).where('id', '=', titleId).execute();
        }
        await tx.updateTable('titles').set({ published: 1 }).where('id', '=', titleId).execute();
        if (posterKey) await tx.updateTable('titles').set({ poster_key: posterKey }).where('id', '=', titleId).where('poster_key', 'is', null).execute();
        if (backdropKey) await tx.updateTable('titles').set({ backdrop_key: backdropKey }).where('id', '=', titleId).where('backdrop_key', 'is', null).execute();
      });
    },
    setArtwork: (titleId: string, posterKey: string, backdropKey: string) =>
      db.updateTable('titles').set({ poster_key: posterKey, backdrop_key: backdropKey }).where('id', '=', titleId).execute(),
    /** Published titles (all, or the given ones) with their genres, credits, episodes, regions and windows, in six queries. */
    async forIndex(ids?: string[]) {
      const wanted = ids && (ids.length ? ids : ['']);
      let titlesQ = db.selectFrom('titles').selectAll().where('published', '=', 1);
      if (wanted) titlesQ = titlesQ.where('id', 'in', wanted);
      let scope = db.selectFrom('titles').select('id').where('published', '=', 1);
      if (wanted) scope = scope.where('id', 'in', wanted);
      const [titles, genres, credits, episodes, regions, windows, languageRows] = await Promise.all([
        titlesQ.orderBy('id').execute(),
        db.selectFrom('title_genres').innerJoin('genres', 'genres.id', 'title_genres.genre_id').select(['title_genres.title_id as titleId', 'genres.id as id', 'genres.name as name']).where('title_genres.title_id', 'in', scope).orderBy('genres.name').execute(),
        db.selectFrom('title_credits').selectAll().where('title_id', 'in', scope).orderBy('role').orderBy('ord').execute(),
        db.selectFrom('episodes').select(['title_id', 'name']).where('title_id', 'in', scope).orderBy('season').orderBy('number').execute(),
        db.selectFrom('title_regions').selectAll().where('title_id', 'in', scope).orderBy('country').execute(),
        db.selectFrom('title_availability').selectAll().where('title_id', 'in', scope).orderBy('country').execute(),
        db.selectFrom('title_languages').selectAll().where('title_id', 'in', scope).orderBy('kind').orderBy('language').execute(),
      ]);
      return { titles, genres, credits, episodes, regions, windows, languages: groupLanguages(languageRows) };
    },
    setPublished: (titleId: string, published: boolean) => db.updateTable('titles').set({ published: published ? 1 : 0 }).where('id', '=', titleId).execute(),
    countTitles: async () => Number((await db.selectFrom('titles').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  };
}

export type CatalogRepository = ReturnType<typeof catalogRepository>;
