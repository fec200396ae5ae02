import type { ItemContent } from './types.ts';

/** One MovieLens rating: userId,movieId,rating,timestamp (seconds). */
export interface Rating {
  userId: string;
  itemId: string;
  rating: number;
  at: number;
}

export class MovielensFormatError extends Error {
  override name = 'MovielensFormatError';
}

/** Splits one CSV line, honouring double quotes (movie titles hold commas). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

function rowsOf(text: string, file: string, header: string[]): { line: number; fields: string[] }[] {
  const lines = text.split(/\r?\n/);
  const head = csvFields(lines[0] ?? '').map((h) => h.trim());
  if (header.some((h, i) => head[i] !== h)) throw new MovielensFormatError(`${file}: expected header ${header.join(',')}, found ${lines[0]?.slice(0, 80) ?? 'nothing'}`);
  const rows: { line: number; fields: string[] }[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const fields = csvFields(lines[i]!);
    if (fields.length < header.length) throw new MovielensFormatError(`${file} line ${i + 1}: expected ${header.length} fields, found ${fields.length}`);
    rows.push({ line: i + 1, fields });
  }
  return rows;
}

export function parseRatings(text: string, file = 'ratings.csv'): Rating[] {
  const ratings = rowsOf(text, file, ['userId', 'movieId', 'rating', 'timestamp']).map(({ line, fields: [userId, itemId, rating, at] }) => {
    const r = Number(rating);
    const t = Number(at);
    if (!userId || !itemId || !Number.isFinite(r) || !Number.isFinite(t) || rating!.trim() === '' || at!.trim() === '') {
      throw new MovielensFormatError(`${file} line ${line}: expected userId,movieId,rating,timestamp with numeric rating and timestamp`);
    }
    return { userId: userId.trim(), itemId: itemId.trim(), rating: r, at: t };
  });
  if (ratings.length === 0) throw new MovielensFormatError(`${file}: no ratings`);
  return ratings;
}

/** movies.csv to content: genres, the year from "Title (1995)", and title words as text. */
export function parseMovies(text: string, file = 'movies.csv'): ItemContent[] {
  return rowsOf(text, file, ['movieId', 'title', 'genres']).map(({ line, fields: [itemId, title, genres] }) => {
    if (!itemId?.trim()) throw new MovielensFormatError(`${file} line ${line}: missing movieId`);
    const year = /\((\d{4})\)\s*$/.exec(title!.trim());
    return {
      itemId: itemId.trim(),
      genres: genres!.split('|').filter((g) => g && g !== '(no genres listed)'),
      people: [],
      year: year ? Number(year[1]) : null,
      tags: [],
      text: title!.replace(/\(\d{4}\)\s*$/, ''),
    };
  });
}
