import { catalogCoverage, ndcgAt, recallAt } from './metrics.ts';
import { trainRecModel, scoreForHistory } from './model.ts';
import { type Rating, parseMovies, parseRatings } from './movielens.ts';
import { cosineNeighbours, neighbourScores } from './neighbours.ts';
import { compareIds, relevantOf, splitByTime } from './split.ts';
import { csrFromRows, topIndices, transpose } from './sparse.ts';
import type { Interaction, ItemContent, TrainOptions } from './types.ts';

/** Ranks titles for one user from that user's training ratings, leaving those out. */
export type Ranker = (history: Rating[], k: number) => string[];

/** A recommender under evaluation: trains on the training ratings and returns a ranker. */
export interface Candidate {
  name: string;
  train(ratings: Rating[], items: ItemContent[], onProgress: (fraction: number) => void): Ranker;
}

/**
 * How ratings become feedback for the shipped model: a rating of 2 or more is a positive weighted
 * (stars / 5)², so 5 stars count about three times as much as 3 (having watched a title predicts
 * the next watch under a time split; the stars say how much); 0.5 to 1.5 stars is a negative
 * (-0.3), treated like a thumbs down. Chosen on a validation split carved from the training data.
 */
export const ratingToInteraction = (r: Rating): Interaction => ({ userId: r.userId, itemId: r.itemId, weight: r.rating <= 1.5 ? -0.3 : (r.rating / 5) ** 2, at: r.at * 1000 });

export const shippedCandidate = (options: Partial<TrainOptions> = {}): Candidate => ({
  name: 'shipped',
  train(ratings, items, onProgress) {
    const model = trainRecModel(ratings.map(ratingToInteraction), items, options, onProgress);
    return (history, k) => scoreForHistory(model, history.map(ratingToInteraction), { limit: k }).map((s) => s.itemId);
  },
});

/** Most-rated titles in training. */
export const popularityCandidate: Candidate = {
  name: 'popularity',
  train(ratings, _items, onProgress) {
    const counts = new Map<string, number>();
    for (const r of ratings) counts.set(r.itemId, (counts.get(r.itemId) ?? 0) + 1);
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || compareIds(a[0], b[0])).map(([id]) => id);
    onProgress(1);
    return (history, k) => {
      const seen = new Set(history.map((r) => r.itemId));
      const out: string[] = [];
      for (const id of ranked) {
        if (out.length === k) break;
        if (!seen.has(id)) out.push(id);
      }
      return out;
    };
  },
};

/**
 * Cosine item-kNN on the binary rating matrix: a title scores the summed similarity of those of
 * its k nearest neighbours the user rated (Sarwar et al. 2001; Deshpande and Karypis 2004).
 */
export const itemKnnCandidate = (k = 100): Candidate => ({
  name: 'itemknn',
  train(ratings, _items, onProgress) {
    const ids = [...new Set(ratings.map((r) => r.itemId))].sort(compareIds);
    const index = new Map(ids.map((id, i) => [id, i]));
    const byUser = new Map<string, [number, number][]>();
    for (const r of ratings) {
      const row = byUser.get(r.userId) ?? [];
      row.push([index.get(r.itemId)!, 1]);
      byUser.set(r.userId, row);
    }
    const nearest = cosineNeighbours(csrFromRows([...byUser.values()].map((row) => row.sort((a, b) => a[0] - b[0]))), ids.length, k, onProgress);
    // Row i of the transpose lists the titles that have i among their k nearest.
    const neighbours = transpose(nearest, ids.length);
    onProgress(1);
    return (history, limit) => {
      const hist = history.map((r) => index.get(r.itemId)).filter((i) => i !== undefined);
      const scores = neighbourScores(neighbours, hist.map((i) => ({ index: i, weight: 1 })), ids.length);
      const seen = new Set(hist);
      return topIndices(scores, limit, (i) => !seen.has(i) && scores[i]! > 0).map((i) => ids[i]!);
    };
  },
});

export interface ModelResult {
  recall10: number;
  ndcg10: number;
  coverage: number;
  trainSec: number;
  /** CPU time of training (user + system): on a shared machine, the figure that says what it costs. */
  trainCpuSec: number;
}

export interface EvaluationResult {
  users: number;
  models: Record<string, ModelResult>;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** The offline protocol: time split per user, top 10 per evaluated user, Recall@10, NDCG@10, coverage, training time. */
export function evaluate(ratings: Rating[], items: ItemContent[], candidates: Candidate[], onProgress: (model: string, fraction: number) => void = () => {}, clock: () => number = () => performance.now(), cpuClock: () => number = cpuMs): EvaluationResult {
  const splits = splitByTime(ratings);
  const train = splits.flatMap((s) => s.train);
  const evaluated = splits.map((s) => ({ split: s, relevant: relevantOf(s) })).filter((s) => s.relevant.size > 0);
  const catalog = new Set([...items.map((i) => i.itemId), ...ratings.map((r) => r.itemId)]);
  const models: Record<string, ModelResult> = {};
  for (const c of candidates) {
    const started = clock();
    const cpuStarted = cpuClock();
    const rank = c.train(train, items, (f) => onProgress(c.name, f));
    const trainSec = (clock() - started) / 1000;
    const trainCpuSec = (cpuClock() - cpuStarted) / 1000;
    let recall = 0;
    let ndcg = 0;
    const lists: string[][] = [];
    for (const { split, relevant } of evaluated) {
      const list = rank(split.train, 10);
      lists.push(list);
      recall += recallAt(10, list, relevant);
      ndcg += ndcgAt(10, list, relevant);
    }
    const n = Math.max(1, evaluated.length);
    models[c.name] = { recall10: round(recall / n), ndcg10: round(ndcg / n), coverage: round(catalogCoverage(lists, catalog.size)), trainSec: round(trainSec, 2), trainCpuSec: round(trainCpuSec, 2) };
  }
  return { users: evaluated.length, models };
}

/** The whole `recs eval` run on MovieLens CSV text: the shipped model beside popularity and item-kNN (k = 100). */
export function evaluateMovielens(ratingsCsv: string, moviesCsv: string, onProgress?: (model: string, fraction: number) => void): EvaluationResult {
  const ratings = parseRatings(ratingsCsv);
  const items = parseMovies(moviesCsv);
  return evaluate(ratings, items, [shippedCandidate(), popularityCandidate, itemKnnCandidate(100)], onProgress);
}

/** The result as a plain-text table. */
export function evaluationTable(result: EvaluationResult): string {
  const lines = [`${result.users} users evaluated (per-user time split, last 20% as test, relevant = test ratings >= 4)`, '', 'model        Recall@10  NDCG@10  coverage  training (wall / CPU)'];
  for (const [name, m] of Object.entries(result.models)) {
    lines.push(`${name.padEnd(12)} ${m.recall10.toFixed(4).padStart(9)}  ${m.ndcg10.toFixed(4).padStart(7)}  ${(m.coverage * 100).toFixed(1).padStart(7)}%  ${m.trainSec.toFixed(1).padStart(7)} s / ${m.trainCpuSec.toFixed(1)} s`);
  }
  return lines.join('\n');
}
