import type { Logger } from 'pino';
import { newId, nowIso } from '../../platform/db/index.ts';
import type { JobHandler } from '../../platform/jobs/index.ts';
import type { ObjectStore } from '../../platform/objects/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import { contentOf } from './facts.ts';
import { deserialiseModel } from './model/index.ts';
import type { RecommendRepository } from './repository.ts';
import type { Snapshot } from './service.ts';
import { interactionsOf } from './signals.ts';
import { trainOffThread } from './trainThread.ts';
import { WORLDWIDE, trendingByCountry } from './trending.ts';

export const TRAIN_JOB = 'train_recommender';

/** Trending: an event's weight halves every this many hours. */
export const TRENDING_HALF_LIFE_HOURS = 72;
const TRENDING_PER_COUNTRY = 100;
const MODELS_KEPT = 3;

export interface TrainJobDeps {
  repo: RecommendRepository;
  catalog: CatalogService;
  viewing: ViewingService;
  objects: ObjectStore;
  log: Logger;
  /** Hands the new model to this process's recommender. */
  adopt(s: Snapshot): void;
  clock?: () => number;
}

export interface TrainResult {
  modelId: string;
  profiles: number;
  interactions: number;
  titles: number;
  countries: number;
  trainSec: number;
}

/**
 * Learns from every profile's plays, ratings, My List and onboarding picks and the whole
 * catalog's content; computes trending per country; stores the model as an object and records it.
 * A re-run just trains a newer model, so retries are safe.
 */
export function trainRecommenderJob(d: TrainJobDeps): JobHandler {
  const clock = d.clock ?? Date.now;
  return async (_payload, ctx) => {
    const started = clock();
    await ctx.reportProgress('gathering', 0);
    const [signals, picks, countries, titles] = await Promise.all([d.viewing.allSignals(), d.repo.allPicks(), d.repo.profileCountries(), d.catalog.indexableTitles()]);
    const interactions = interactionsOf(signals, picks, started);
    await ctx.reportProgress('training', 0.1);
    const bytes = await trainOffThread(interactions, titles.map(contentOf));
    const model = deserialiseModel(bytes);
    await ctx.reportProgress('trending', 0.9);
    // Decay is measured from the newest event, so an imported history (years old) still ranks.
    const newest = interactions.reduce((t, i) => Math.max(t, i.at), 0) || started;
    const trends = trendingByCountry(
      interactions.map((i) => ({ titleId: i.itemId, country: countries.get(i.userId) ?? WORLDWIDE, weight: i.weight, at: i.at })),
      Math.min(started, newest),
      TRENDING_HALF_LIFE_HOURS,
      TRENDING_PER_COUNTRY,
    );
    await ctx.reportProgress('storing', 0.95);
    const id = newId();
    const key = `recommend/models/${id}.bin`;
    await d.objects.put(key, bytes);
    const trainSec = (clock() - started) / 1000;
    const result: TrainResult = { modelId: id, profiles: new Set(interactions.map((i) => i.userId)).size, interactions: interactions.length, titles: titles.length, countries: trends.size, trainSec };
    const trainedAt = nowIso(clock());
    await d.repo.saveModel({ id, object_key: key, trained_at: trainedAt, trending: JSON.stringify(Object.fromEntries(trends)), stats: JSON.stringify(result) });
    d.adopt({ id, trainedAt, model, trends });
    for (const old of await d.repo.pruneModels(MODELS_KEPT)) await d.objects.deletePrefix(old).catch((err: unknown) => d.log.warn({ err, key: old }, 'could not delete an old model'));
    d.log.info(result, 'recommendation model trained');
    return result;
  };
}
