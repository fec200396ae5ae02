import { conflict, forbidden, invalid, notFound, notLicensed } from '../../platform/errors.ts';
import { isUniqueViolation, newId, nowIso } from '../../platform/db/index.ts';
import type { ObjectStore } from '../../platform/objects/index.ts';
import { type CursorPart, decodeCursor, encodeCursor } from '../../platform/pagination.ts';
import { type AvailabilityWindow, countriesNotYetClosed, isAvailableIn, windowProblem } from './availability.ts';
import { ADULT_MAX_RATING, type MaturityRating, maturityRank } from './maturity.ts';
import { type CatalogRepository, type KeysetPosition, type EpisodeRow, type TitleFilter, type TitleRow, sortKeyOf } from './repository.ts';
import type { CatalogEvent, CatalogViewer, Episode, IndexableTitle, NewEpisode, NewTitle, PlayableItem, Title, TitleQuery, TitleSummary } from './types.ts';

const toCursor = ([key, id]: CursorPart[]): KeysetPosition => ({ key: key!, id: String(id) });

export const ARTWORK_PREFIX = 'artwork';

/** Public URL of an artwork object; artwork is not secret, so it is not signed. */
const imageUrl = (key: string | null): string | null => (key ? `/images/${key.slice(ARTWORK_PREFIX.length + 1)}` : null);

const slug = (name: string): string => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** ISO 639-1 codes as stored: lower case, each once, in the order given. */
const languageCodes = (codes: readonly string[] | undefined): string[] => [...new Set((codes ?? []).map((c) => c.toLowerCase()))];

/** Leading articles don't count when sorting by name. */
const sortName = (name: string): string => name.toLowerCase().replace(/^(the|a|an)\s+/, '');

export function catalogService(repo: CatalogRepository, objects: ObjectStore) {
  // In-process change listeners (search keeps its index fresh with them). Called after the change
  // is committed; a listener's failure is its own and never fails the change.
  const listeners = new Set<(event: CatalogEvent) => void>();
  const emit = (type: CatalogEvent['type'], titleId: string): void => {
    for (const listener of listeners) {
      try {
        listener({ type, titleId });
      } catch {
        // Listeners handle (and log) their own errors.
      }
    }
  };

  const viewerFilter = (viewer: CatalogViewer | undefined): Pick<TitleFilter, 'maxRank' | 'country' | 'at'> =>
    viewer ? { maxRank: maturityRank(viewer.maxMaturityRating), country: viewer.country, at: nowIso() } : {};

  const summaries = async (rows: TitleRow[]): Promise<TitleSummary[]> => {
    const genres = await repo.genresOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      name: r.name,
      year: r.year,
      genres: genres.get(r.id) ?? [],
      maturityRating: r.maturity_rating as MaturityRating,
      popularity: Number(r.popularity),
      artwork: { poster: imageUrl(r.poster_key), backdrop: imageUrl(r.backdrop_key) },
    }));
  };

  const episodeOf = (e: EpisodeRow): Episode => ({
    id: e.id,
    season: e.season,
    number: e.number,
    name: e.name,
    synopsis: e.synopsis,
    durationSec: e.duration_sec === null ? null : Number(e.duration_sec),
    videoId: e.video_id,
  });

  const visibleTitle = async (titleId: string, viewer: CatalogViewer | undefined): Promise<TitleRow> => {
    const row = await repo.titleById(titleId);
    if (!row || !row.published) throw notFound('title_not_found', 'No such title');
    if (viewer && maturityRank(row.maturity_rating) > maturityRank(viewer.maxMaturityRating)) throw notFound('title_not_found', 'No such title');
    if (viewer && !isAvailableIn({ worldwide: Boolean(row.worldwide), regions: await repo.regionsOf(row.id), windows: await repo.windowsOf(row.id) }, viewer.country, nowIso())) {
      throw notLicensed('not_licensed_here', 'This title is not available in your country');
    }
    return row;
  };

  const describe = async (row: TitleRow): Promise<Title> => {
    const [summary] = await summaries([row]);
    const credits = await repo.creditsOf(row.id);
    const languages = await repo.languagesOf(row.id);
    const title: Title = {
      ...summary!,
      synopsis: row.synopsis,
      cast: credits.filter((c) => c.role === 'cast').map((c) => c.person_name),
      directors: credits.filter((c) => c.role === 'director').map((c) => c.person_name),
      regions: row.worldwide ? 'worldwide' : await repo.regionsOf(row.id),
      audioLanguages: languages.audio,
      subtitleLanguages: languages.subtitles,
    };
    if (row.type === 'movie') return { ...title, durationSec: row.duration_sec === null ? null : Number(row.duration_sec), videoId: row.video_id };
    const seasons = new Map<number, Episode[]>();
    for (const e of await repo.episodesOf(row.id)) seasons.set(e.season, [...(seasons.get(e.season) ?? []), episodeOf(e)]);
    return { ...title, seasons: [...seasons.entries()].map(([number, episodes]) => ({ number, episodes })) };
  };

  return {
    async listTitles(query: TitleQuery, viewer?: CatalogViewer): Promise<{ items: TitleSummary[]; nextCursor: string | null }> {
      const sort = query.sort ?? 'popular';
      const limit = query.limit ?? 20;
      const after = query.cursor ? toCursor(decodeCursor(query.cursor, ['sn', 's'])) : undefined;
      const filter: TitleFilter = { publishedOnly: true, ...viewerFilter(viewer) };
      if (query.genre) filter.genre = query.genre;
      if (query.type) filter.type = query.type;
      if (query.ids) filter.ids = query.ids;
      const rows = await repo.listTitles(filter, sort, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: await summaries(page),
        nextCursor: rows.length > limit && last ? encodeCursor([sortKeyOf(last, sort), last.id]) : null,
      };
    },

    /** Summaries of the given titles that this viewer may see, in the order asked for. */
    async summariesOf(ids: string[], viewer?: CatalogViewer): Promise<TitleSummary[]> {
      if (ids.length === 0) return [];
      const rows = await repo.listTitles({ publishedOnly: true, ids, ...viewerFilter(viewer) }, 'popular', undefined, ids.length);
      const byId = new Map((await summaries(rows)).map((s) => [s.id, s]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async getTitle(titleId: string, viewer?: CatalogViewer): Promise<Title> {
      return describe(await visibleTitle(titleId, viewer));
    },

    genres: () => repo.genres(),

    async createTitle(input: NewTitle, ownerAccountId: string | null): Promise<Title> {
      const id = newId();
      const genres = (input.genres ?? []).map((name) => ({ id: slug(name), name: name.trim() })).filter((g) => g.id);
      const regions = [...new Set((input.regions ?? []).map((r) => r.toUpperCase()))];
      const rating = input.maturityRating ?? ADULT_MAX_RATING;
      await repo.insertTitle(
        {
          id,
          type: input.type,
          name: input.name.trim(),
          sort_name: sortName(input.name.trim()),
          synopsis: input.synopsis ?? '',
          year: input.year ?? null,
          maturity_rating: rating,
          maturity_rank: maturityRank(rating),
          popularity: input.popularity ?? 0,
          poster_key: null,
          backdrop_key: null,
          video_id: null,
          duration_sec: null,
          worldwide: regions.length === 0 ? 1 : 0,
          published: 0,
          owner_account_id: ownerAccountId,
          created_at: nowIso(),
        },
        [...new Map(genres.map((g) => [g.id, g])).values()],
        [...(input.cast ?? []).map((name) => ({ role: 'cast' as const, name })), ...(input.directors ?? []).map((name) => ({ role: 'director' as const, name }))],
        regions,
        { audio: languageCodes(input.audioLanguages), subtitles: languageCodes(input.subtitleLanguages) },
      );
      const created = await repo.titleById(id);
      return describe(created!);
    },

    /** A title as its owner sees it in the studio, published or not. */
    async studioTitle(titleId: string): Promise<Title> {
      const row = await repo.titleById(titleId);
      if (!row) throw notFound('title_not_found', 'No such title');
      return describe(row);
    },

    async assertOwner(titleId: string, accountId: string, isAdmin: boolean): Promise<TitleRow> {
      const row = await repo.titleById(titleId);
      if (!row) throw notFound('title_not_found', 'No such title');
      if (!isAdmin && row.owner_account_id !== accountId) throw forbidden('not_title_owner', 'Only the partner who owns this title may change it');
      return row;
    },

    async addEpisode(titleId: string, input: NewEpisode): Promise<Episode> {
      const title = await repo.titleById(titleId);
      if (!title) throw notFound('title_not_found', 'No such title');
      if (title.type !== 'series') throw invalid('not_a_series', 'Episodes can only be added to a series', 'titleId');
      const row: EpisodeRow = { id: newId(), title_id: titleId, season: input.season, number: input.number, name: input.name.trim(), synopsis: input.synopsis ?? '', duration_sec: null, video_id: null, created_at: nowIso() };
      try {
        await repo.insertEpisode(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('episode_exists', `Season ${input.season} already has an episode ${input.number}`, 'number');
        throw err;
      }
      emit('title_changed', titleId);
      return episodeOf(row);
    },

    async episode(episodeId: string): Promise<Episode & { titleId: string }> {
      const e = await repo.episodeById(episodeId);
      if (!e) throw notFound('episode_not_found', 'No such episode');
      return { ...episodeOf(e), titleId: e.title_id };
    },

    /** Publishes: the video becomes the title's (or episode's) and the title becomes visible. */
    async attachVideo(input: { titleId: string; episodeId?: string | null; videoId: string; durationSec: number; poster?: Buffer; backdrop?: Buffer }): Promise<void> {
      let posterKey: string | null = null;
      if (input.poster) {
        posterKey = `${ARTWORK_PREFIX}/${input.titleId}/frame-${input.videoId}.jpg`;
        await objects.put(posterKey, input.poster);
      }
      let backdropKey: string | null = posterKey;
      if (input.backdrop) {
        backdropKey = `${ARTWORK_PREFIX}/${input.titleId}/backdrop-${input.videoId}.jpg`;
        await objects.put(backdropKey, input.backdrop);
      }
      await repo.attachVideo(input.titleId, input.episodeId ?? null, input.videoId, input.durationSec, posterKey, backdropKey);
      emit('title_published', input.titleId);
    },

    async setArtwork(titleId: string, files: { poster: { ext: string; body: Buffer }; backdrop: { ext: string; body: Buffer } }): Promise<void> {
      const posterKey = `${ARTWORK_PREFIX}/${titleId}/poster.${files.poster.ext}`;
      const backdropKey = `${ARTWORK_PREFIX}/${titleId}/backdrop.${files.backdrop.ext}`;
      await objects.put(posterKey, files.poster.body);
      await objects.put(backdropKey, files.backdrop.body);
      await repo.setArtwork(titleId, posterKey, backdropKey);
      emit('title_changed', titleId);
    },

    /** Where a video sits in the catalog: playback checks maturity and region against it. */
    async playableItem(videoId: string): Promise<PlayableItem | undefined> {
      const episode = await repo.episodeByVideo(videoId);
      const title = episode ? await repo.titleById(episode.title_id) : await repo.titleByVideo(videoId);
      if (!title) return undefined;
      return {
        titleId: title.id,
        episodeId: episode?.id ?? null,
        titleName: title.name,
        durationSec: (episode ? episode.duration_sec : title.duration_sec) ?? null,
        maturityRating: title.maturity_rating as MaturityRating,
        worldwide: Boolean(title.worldwide),
        regions: title.worldwide ? [] : await repo.regionsOf(title.id),
        windows: await repo.windowsOf(title.id),
        published: Boolean(title.published),
        ownerAccountId: title.owner_account_id,
      };
    },

    countTitles: () => repo.countTitles(),

    availability: async (titleId: string): Promise<AvailabilityWindow[]> => repo.windowsOf(titleId),

    /** Replaces the title's licensing windows (an empty list: its region list applies again). */
    async setAvailability(titleId: string, windows: AvailabilityWindow[]): Promise<AvailabilityWindow[]> {
      const normalised = windows.map((w) => ({ country: w.country.toUpperCase(), startsAt: w.startsAt, endsAt: w.endsAt ?? null }));
      const problem = windowProblem(normalised);
      if (problem) throw invalid('invalid_window', problem.message, problem.field);
      if (!(await repo.titleById(titleId))) throw notFound('title_not_found', 'No such title');
      // Stored as UTC ISO strings so the database compares them as text the same way everywhere.
      await repo.setWindows(titleId, normalised.map((w) => ({ country: w.country, startsAt: new Date(w.startsAt).toISOString(), endsAt: w.endsAt === null ? null : new Date(w.endsAt).toISOString() })));
      emit('title_changed', titleId);
      return repo.windowsOf(titleId);
    },

    /** Replaces the title's audio and subtitle languages (ISO 639-1 codes). */
    async setLanguages(titleId: string, input: { audioLanguages: string[]; subtitleLanguages: string[] }): Promise<Title> {
      const row = await repo.titleById(titleId);
      if (!row) throw notFound('title_not_found', 'No such title');
      await repo.setLanguages(titleId, { audio: languageCodes(input.audioLanguages), subtitles: languageCodes(input.subtitleLanguages) });
      emit('title_changed', titleId);
      return describe(row);
    },

    /** Takes a title off the service: it stays in the studio but no viewer sees it. */
    async withdrawTitle(titleId: string): Promise<void> {
      if (!(await repo.titleById(titleId))) throw notFound('title_not_found', 'No such title');
      await repo.setPublished(titleId, false);
      emit('title_withdrawn', titleId);
    },

    /** Calls `listener` after each committed change to a title; returns a function that stops it. */
    onChange(listener: (event: CatalogEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Published titles (all, or the given ones) with everything search indexes about them. */
    async indexableTitles(ids?: string[]): Promise<IndexableTitle[]> {
      const rows = await repo.forIndex(ids);
      const group = <T extends { titleId: string }>(list: T[]) => {
        const out = new Map<string, T[]>();
        for (const r of list) out.set(r.titleId, [...(out.get(r.titleId) ?? []), r]);
        return out;
      };
      const genres = group(rows.genres);
      const credits = group(rows.credits.map((c) => ({ ...c, titleId: c.title_id })));
      const episodes = group(rows.episodes.map((e) => ({ ...e, titleId: e.title_id })));
      const regions = group(rows.regions.map((r) => ({ ...r, titleId: r.title_id })));
      const windows = group(rows.windows.map((w) => ({ titleId: w.title_id, country: w.country, startsAt: w.starts_at, endsAt: w.ends_at })));
      const now = nowIso();
      return rows.titles.map((t) => {
        const people = credits.get(t.id) ?? [];
        return {
          id: t.id,
          type: t.type,
          name: t.name,
          synopsis: t.synopsis,
          year: t.year,
          maturityRating: t.maturity_rating as MaturityRating,
          popularity: Number(t.popularity),
          // A windowed title is indexed for the countries whose windows are open or to come; the
          // catalog still has the last word on each result at query time.
          ...(windows.has(t.id)
            ? { worldwide: false, regions: countriesNotYetClosed(windows.get(t.id)!, now) }
            : { worldwide: Boolean(t.worldwide), regions: (regions.get(t.id) ?? []).map((r) => r.country) }),
          genres: (genres.get(t.id) ?? []).map((g) => ({ id: g.id, name: g.name })),
          cast: people.filter((c) => c.role === 'cast').map((c) => c.person_name),
          directors: people.filter((c) => c.role === 'director').map((c) => c.person_name),
          episodes: (episodes.get(t.id) ?? []).map((e) => e.name),
          audioLanguages: rows.languages.get(t.id)?.audio ?? [],
          subtitleLanguages: rows.languages.get(t.id)?.subtitles ?? [],
        };
      });
    },
  };
}

export type CatalogService = ReturnType<typeof catalogService>;
