import type { ItemContent } from './types.ts';
import { type Csr, csrFromRows, transpose } from './sparse.ts';

const STOPWORDS = new Set('a an and are as at be by for from has he her his in is it its of on or she that the their they this to was were which who will with'.split(' '));

const words = (text: string): string[] => text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/).filter((w) => w.length > 2 && !STOPWORDS.has(w));
const key = (s: string) => s.trim().toLowerCase();

/** The named features of a title, each with a weight before IDF: genres and people count most, synopsis words least. */
export function contentFeatures(item: ItemContent): Map<string, number> {
  const f = new Map<string, number>();
  const add = (name: string, w: number) => f.set(name, Math.max(f.get(name) ?? 0, w));
  for (const g of item.genres) add(`g:${key(g)}`, 1);
  for (const p of item.people) add(`p:${key(p)}`, 1);
  for (const t of item.tags) add(`t:${key(t)}`, 0.7);
  if (item.year !== null) {
    add(`y:${Math.floor(item.year / 10)}`, 0.5);
    add(`y:${Math.floor((item.year + 5) / 10)}h`, 0.5);
  }
  for (const w of words(item.text)) add(`w:${w}`, 0.5);
  return f;
}

export interface ContentIndex {
  /** item index -> feature index, TF-IDF weighted and L2-normalised. */
  items: Csr;
  /** feature index -> item index (the transpose), for finding titles that share features. */
  postings: Csr;
}

/** Builds unit-length TF-IDF vectors for items[i] in item-index order (missing content: an empty row). */
export function buildContentIndex(contentOf: (ItemContent | undefined)[]): ContentIndex {
  const featureIndex = new Map<string, number>();
  const raw = contentOf.map((c) => {
    const row: [number, number][] = [];
    if (c) for (const [name, w] of contentFeatures(c)) {
      let f = featureIndex.get(name);
      if (f === undefined) featureIndex.set(name, (f = featureIndex.size));
      row.push([f, w]);
    }
    return row;
  });
  const df = new Float64Array(featureIndex.size);
  for (const row of raw) for (const [f] of row) df[f]!++;
  const n = raw.length;
  const rows = raw.map((row) => {
    // Features only one title has cannot link it to anything; they would only shrink the others.
    const weighted = row.filter(([f]) => df[f]! > 1).map(([f, w]): [number, number] => [f, w * Math.log(1 + n / df[f]!)]);
    const norm = Math.hypot(...weighted.map(([, w]) => w)) || 1;
    return weighted.map(([f, w]): [number, number] => [f, w / norm]).sort((a, b) => a[0] - b[0]);
  });
  const items = csrFromRows(rows);
  return { items, postings: transpose(items, featureIndex.size) };
}

/** Cosine similarity of a (not necessarily unit) feature profile with every item, into acc. */
export function contentScores(index: ContentIndex, profile: Map<number, number>, acc: Float64Array): void {
  let norm = 0;
  for (const w of profile.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm === 0) return;
  for (const [f, w] of profile) {
    const p = index.postings;
    for (let k = p.offsets[f]!; k < p.offsets[f + 1]!; k++) acc[p.cols[k]!]! += (w / norm) * p.values[k]!;
  }
}
