import { type ContentIndex, buildContentIndex, contentScores } from './content.ts';
import { easeNeighbours } from './ease.ts';
import { neighbourScores } from './neighbours.ts';
import { type AlsOptions, gram, solveRow, trainItemFactors } from './factors.ts';
import { type Csr, csrFromRows, topIndices } from './sparse.ts';
import { DEFAULT_TRAIN_OPTIONS, type HistoryEntry, type Interaction, type ItemContent, type Scored, type TrainOptions } from './types.ts';

const DAY_MS = 86_400_000;

/** A trained recommender: CF neighbour rows, content vectors, item embeddings and a time-decayed popularity prior. */
export interface RecModel {
  version: 1;
  options: TrainOptions;
  trainedAt: number;
  itemIds: string[];
  itemIndex: Map<string, number>;
  /** Time-decayed positive feedback per item, scaled to [0, 1]. */
  popularity: Float32Array;
  /** item -> item collaborative weights (sparse rows). */
  neighbours: Csr;
  /** 1 where the item has CF weights (enough viewers at training time). */
  hasCf: Uint8Array;
  content: ContentIndex;
  /** item -> [CF half: implicit-ALS factors (zero without feedback) | content half: unit-length projection of the content vector]. */
  embeddings: Float32Array;
  /** Gram matrix of the item factors, for folding a new history into a user vector. */
  factorGram: Float32Array;
}

export const embeddingDims = (m: RecModel) => m.options.cfDims + m.options.contentDims;

/** One entry per (user, item): the summed weight and the latest time. */
export function aggregate(interactions: Iterable<Interaction>): Map<string, Map<string, { weight: number; at: number }>> {
  const users = new Map<string, Map<string, { weight: number; at: number }>>();
  for (const { userId, itemId, weight, at } of interactions) {
    let u = users.get(userId);
    if (!u) users.set(userId, (u = new Map()));
    const e = u.get(itemId);
    if (e) {
      e.weight += weight;
      e.at = Math.max(e.at, at);
    } else u.set(itemId, { weight, at });
  }
  return users;
}

/** Deterministic pseudo-random numbers (mulberry32), so a retrain on the same data gives the same model. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const alsOptions = (o: TrainOptions): AlsOptions => ({ dims: o.cfDims, iterations: o.alsIterations, alpha: o.alsAlpha, lambda: o.alsLambda });

/** Random projection (Johnson-Lindenstrauss) of sparse rows to `dims`, unit length: keeps cosine similarity roughly. */
function project(rows: Csr, rowsCount: number, columns: number, dims: number, seed: number, out: Float32Array, stride: number, offset: number): void {
  const next = random(seed);
  const basis = Float32Array.from({ length: columns * dims }, () => (next() < 0.5 ? -1 : 1));
  for (let r = 0; r < rowsCount; r++) {
    const v = new Float64Array(dims);
    for (let k = rows.offsets[r]!; k < rows.offsets[r + 1]!; k++) {
      const c = rows.cols[k]!;
      for (let d = 0; d < dims; d++) v[d]! += rows.values[k]! * basis[c * dims + d]!;
    }
    const norm = Math.hypot(...v) || 1;
    for (let d = 0; d < dims; d++) out[r * stride + offset + d] = v[d]! / norm;
  }
}

/** The titles that get a CF row: the most-watched ones with enough viewers (keeps the EASE^R inverse small). */
function cfItemsOf(userItems: Csr, items: number, opts: TrainOptions): number[] {
  const viewers = new Int32Array(items);
  for (const i of userItems.cols) viewers[i]!++;
  const eligible = [...viewers.keys()].filter((i) => viewers[i]! >= opts.minItemUsers);
  return eligible.sort((a, b) => viewers[b]! - viewers[a]! || a - b).slice(0, opts.maxCfItems).sort((a, b) => a - b);
}

export function trainRecModel(interactions: Interaction[], items: ItemContent[], options: Partial<TrainOptions> = {}, onProgress?: (fraction: number) => void): RecModel {
  const opts = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const itemIndex = new Map<string, number>();
  const itemIds: string[] = [];
  const indexOf = (id: string) => {
    let i = itemIndex.get(id);
    if (i === undefined) {
      itemIndex.set(id, (i = itemIds.length));
      itemIds.push(id);
    }
    return i;
  };
  for (const c of items) indexOf(c.itemId);
  const users = aggregate(interactions);
  for (const u of users.values()) for (const id of u.keys()) indexOf(id);
  const n = itemIds.length;
  const trainedAt = interactions.reduce((t, x) => Math.max(t, x.at), 0);

  // Feedback is scaled so the mean positive weight is 1: regularisation then means the same whatever units the caller weighs in.
  let positives = 0;
  let positiveSum = 0;
  for (const u of users.values()) {
    for (const { weight } of u.values()) {
      if (weight <= 0) continue;
      positives++;
      positiveSum += weight;
    }
  }
  const unit = positives > 0 ? positives / positiveSum : 1;
  const popularity = new Float64Array(n);
  const liked: [number, number][][] = [];
  const feedback: [number, number][][] = [];
  for (const u of users.values()) {
    const all: [number, number][] = [];
    for (const [id, { weight, at }] of u) {
      if (weight === 0) continue;
      const i = itemIndex.get(id)!;
      all.push([i, weight * unit]);
      if (weight > 0) popularity[i]! += 0.5 ** ((trainedAt - at) / DAY_MS / opts.popularityHalfLifeDays);
    }
    all.sort((a, b) => a[0] - b[0]);
    feedback.push(all);
    liked.push(all.filter(([, w]) => w > 0));
  }
  const userItems = csrFromRows(liked);
  onProgress?.(0.02);
  const cfItems = cfItemsOf(userItems, n, opts);
  const hasCf = new Uint8Array(n);
  for (const i of cfItems) hasCf[i] = 1;
  const neighbours = easeNeighbours(userItems, cfItems, n, opts.lambda, opts.neighbours, (f) => onProgress?.(0.02 + 0.78 * f));

  const dims = opts.cfDims + opts.contentDims;
  const embeddings = new Float32Array(n * dims);
  const factors = trainItemFactors(csrFromRows(feedback), n, alsOptions(opts), (f) => onProgress?.(0.8 + 0.18 * f));
  for (let i = 0; i < n; i++) embeddings.set(factors.subarray(i * opts.cfDims, (i + 1) * opts.cfDims), i * dims);
  const contentOf = new Array<ItemContent | undefined>(n);
  for (const c of items) contentOf[itemIndex.get(c.itemId)!] = c;
  const content = buildContentIndex(contentOf);
  project(content.items, n, content.postings.offsets.length - 1, opts.contentDims, 2, embeddings, dims, opts.cfDims);
  onProgress?.(1);
  const maxPop = popularity.reduce((a, b) => Math.max(a, b), 1e-9);
  return { version: 1, options: opts, trainedAt, itemIds, itemIndex, popularity: Float32Array.from(popularity, (p) => p / maxPop), neighbours, hasCf, content, embeddings, factorGram: Float32Array.from(gram(factors, n, opts.cfDims)) };
}

/** Each history item's weight after recency: the latest counts fully, older ones fade by position toward a floor. */
export function recencyWeighted(model: RecModel, history: HistoryEntry[]): { index: number; weight: number }[] {
  const { recencyHalfLife, recencyFloor } = model.options;
  const merged = new Map<number, { weight: number; at: number }>();
  for (const h of history) {
    const i = model.itemIndex.get(h.itemId);
    if (i === undefined) continue;
    const e = merged.get(i);
    if (e) {
      e.weight += h.weight;
      e.at = Math.max(e.at, h.at);
    } else merged.set(i, { weight: h.weight, at: h.at });
  }
  // Latest first; equal times in item order so the result does not depend on input order.
  // Only liked titles take a place in that order; a dislike counts fully however old it is.
  const ordered = [...merged].sort((a, b) => b[1].at - a[1].at || a[0] - b[0]);
  let rank = 0;
  return ordered.map(([index, { weight }]) => ({ index, weight: weight > 0 ? weight * (recencyFloor + (1 - recencyFloor) * 0.5 ** (rank++ / recencyHalfLife)) : weight }));
}

const scaleToUnit = (a: Float64Array) => {
  let max = 0;
  for (const v of a) max = Math.max(max, Math.abs(v));
  if (max > 0) for (let i = 0; i < a.length; i++) a[i]! /= max;
};

/**
 * Scores every title for a history (fold-in: the user need not have been in training):
 * CF neighbour weights of the recency-weighted history, plus content similarity to what was liked,
 * plus a small popularity prior. Negatives push their neighbours down and are never returned;
 * nothing already in the history is returned. Recency is by position in the history (what was
 * watched last counts most), so `now` does not change the order; it is accepted for callers.
 */
export function scoreForHistory(model: RecModel, history: HistoryEntry[], opts: { now?: number; exclude?: ReadonlySet<string>; limit?: number } = {}): Scored[] {
  const n = model.itemIds.length;
  const o = model.options;
  const weighted = recencyWeighted(model, history);
  const cf = neighbourScores(model.neighbours, weighted.map((h) => ({ index: h.index, weight: h.weight > 0 ? h.weight : h.weight * o.negativeWeight })), n);
  scaleToUnit(cf);
  const profile = new Map<number, number>();
  for (const { index, weight } of weighted) {
    const c = model.content.items;
    for (let k = c.offsets[index]!; k < c.offsets[index + 1]!; k++) profile.set(c.cols[k]!, (profile.get(c.cols[k]!) ?? 0) + weight * c.values[k]!);
  }
  const content = new Float64Array(n);
  contentScores(model.content, profile, content);
  const score = new Float64Array(n);
  // A title without a CF row (too new or too rarely watched) gets its content similarity in place of a CF score.
  for (let i = 0; i < n; i++) score[i] = (model.hasCf[i] ? cf[i]! : o.coldContentWeight * content[i]!) + o.contentWeight * content[i]! + o.popularityWeight * model.popularity[i]!;
  const seen = new Set(weighted.map((h) => h.index));
  const excluded = (i: number) => seen.has(i) || Boolean(opts.exclude?.has(model.itemIds[i]!));
  return topIndices(score, opts.limit ?? 100, (i) => !excluded(i)).map((i) => ({ itemId: model.itemIds[i]!, score: score[i]! }));
}

/** Titles like this one: CF neighbours blended with content similarity, so a title nobody has played still finds company. */
export function similarItems(model: RecModel, itemId: string, limit: number): Scored[] {
  const i = model.itemIndex.get(itemId);
  if (i === undefined) return [];
  const n = model.itemIds.length;
  const cf = neighbourScores(model.neighbours, [{ index: i, weight: 1 }], n);
  scaleToUnit(cf);
  const c = model.content.items;
  const profile = new Map<number, number>();
  for (let k = c.offsets[i]!; k < c.offsets[i + 1]!; k++) profile.set(c.cols[k]!, c.values[k]!);
  const content = new Float64Array(n);
  contentScores(model.content, profile, content);
  // Co-watching speaks louder than shared metadata where both titles have CF data; a title without it has only its content.
  const score = Float64Array.from(cf, (v, j) => (!model.hasCf[i] ? content[j]! : model.hasCf[j] ? v + 0.2 * content[j]! : 0.5 * content[j]!));
  return topIndices(score, limit, (j) => j !== i && score[j]! > 0).map((j) => ({ itemId: model.itemIds[j]!, score: score[j]! }));
}

/** The item's vector: ALS factors, then the content half (zero where the item has no such data). */
export function itemEmbedding(model: RecModel, itemId: string): Float32Array | undefined {
  const i = model.itemIndex.get(itemId);
  if (i === undefined) return undefined;
  const d = embeddingDims(model);
  return model.embeddings.slice(i * d, (i + 1) * d);
}

/**
 * A user's vector folded in from history, laid out like item vectors: the CF half is the ALS
 * least-squares fit against the fixed item factors (so its dot product with an item's CF half
 * predicts preference), the content half the weighted mean of liked titles' content.
 */
export function userEmbedding(model: RecModel, history: HistoryEntry[]): Float32Array {
  const { cfDims } = model.options;
  const d = embeddingDims(model);
  const weighted = recencyWeighted(model, history);
  const v = new Float32Array(d);
  v.set(solveRow(model.embeddings, d, Float64Array.from(model.factorGram), weighted.map(({ index, weight }) => [index, weight]), alsOptions(model.options)));
  for (const { index, weight } of weighted) {
    if (weight <= 0) continue;
    for (let k = cfDims; k < d; k++) v[k]! += weight * model.embeddings[index * d + k]!;
  }
  return v;
}
