import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { isUniqueViolation } from '../../platform/db/index.ts';
import type { Subscriber } from '../../platform/events/index.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import type { ObjectStore } from '../../platform/objects/index.ts';
import type { Guards } from '../../platform/resilience/index.ts';
import { type CatalogService, TITLE_ARTWORK_EXPERIMENT } from '../catalog/index.ts';
import type { ExperimentInput, ExperimentsClient } from '../experiments/index.ts';
import type { Authenticator } from '../identity/index.ts';
import { VIEWING_EVENTS, type ViewingService } from '../viewing/index.ts';
import { recommendMigrations } from './migrations.ts';
import { recommendRepository } from './repository.ts';
import { HOME_ROW_ORDER, recommendRoutes } from './routes.ts';
import { type RecommenderService, recommenderService } from './service.ts';
import { TRAIN_JOB, trainRecommenderJob } from './trainJob.ts';

export type { HomeRow } from './homeRows.ts';
export type { HomePage, RecommenderService } from './service.ts';
export type { TrainResult } from './trainJob.ts';
export { recommendMigrations, TRAIN_JOB, HOME_ROW_ORDER };
export { MovielensFormatError, evaluateMovielens, evaluationTable, type EvaluationResult } from './model/index.ts';
export { parseMovies, parseRatings, type Rating as MovieLensRating } from './model/movielens.ts';

export const TITLE_ARTWORK = TITLE_ARTWORK_EXPERIMENT;

/** The experiments the home page reads, registered as drafts so an operator only has to start them. */
export const HOME_EXPERIMENTS: ExperimentInput[] = [
  {
    key: HOME_ROW_ORDER,
    name: 'Homepage row order',
    description: 'Which rows lead the home page.',
    allocation: 100,
    variants: [
      { key: 'control', name: 'Control', weight: 25, config: { rowOrder: 'default' } },
      { key: 'continue_first', name: 'Continue Watching first', weight: 25, config: { rowOrder: 'continue_first' } },
      { key: 'trending_first', name: 'Trending first', weight: 25, config: { rowOrder: 'trending_first' } },
      { key: 'personalised', name: 'Personalised', weight: 25, config: { rowOrder: 'personalised' } },
    ],
  },
  {
    key: TITLE_ARTWORK,
    name: 'Title artwork',
    description: 'Poster art or the landscape backdrop on title cards.',
    allocation: 100,
    variants: [
      { key: 'control', name: 'Poster', weight: 50, config: { artwork: 'poster' } },
      { key: 'backdrop', name: 'Backdrop', weight: 50, config: { artwork: 'backdrop' } },
    ],
  },
];

export interface RecommendModuleOptions {
  db: Kysely<object>;
  objects: ObjectStore;
  queue: JobQueue;
  catalog: CatalogService;
  viewing: ViewingService;
  experiments: ExperimentsClient;
  auth: Authenticator;
  log: Logger;
  /** Minutes between scheduled trainings. */
  trainIntervalMin: number;
  homeCacheTtlSec: number;
  /** How often a process looks for a model trained elsewhere. */
  modelCheckSec: number;
  guards: Guards;
  /** The api role's degradation tier (0 full service). */
  loadTier: () => number;
}

export function recommendModule(o: RecommendModuleOptions) {
  const repo = recommendRepository(o.db);
  const service: RecommenderService = recommenderService({ repo, catalog: o.catalog, viewing: o.viewing, objects: o.objects, log: o.log, modelCheckMs: o.modelCheckSec * 1000, homeCacheTtlMs: o.homeCacheTtlSec * 1000, homeCacheProfiles: 50_000, guards: o.guards, loadTier: o.loadTier });

  /** One training per interval slot, whichever scheduler gets there first (the job id is the slot). */
  const enqueueForSlot = async (now: number) => {
    const slot = Math.floor(now / (o.trainIntervalMin * 60_000));
    try {
      await o.queue.enqueue(TRAIN_JOB, { reason: 'schedule' }, { id: `train-recommender-${slot}`, maxAttempts: 2 });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  };

  return {
    service,
    experiments: HOME_EXPERIMENTS,
    routes: recommendRoutes({ service, catalog: o.catalog, viewing: o.viewing, experiments: o.experiments, auth: o.auth, queue: o.queue, titleArtworkExperiment: TITLE_ARTWORK }),
    jobs: { [TRAIN_JOB]: trainRecommenderJob({ repo, catalog: o.catalog, viewing: o.viewing, objects: o.objects, log: o.log, adopt: service.adopt }) },
    /** Which source ids an import already created (`marquee import movielens` re-runs change nothing). */
    importLedger: { imported: repo.imported, record: repo.recordImport, recordCountry: repo.recordCountry },
    /** A profile's viewing changed: its cached home page is stale. */
    subscriber: {
      name: 'recommend-home-cache',
      types: Object.values(VIEWING_EVENTS),
      handle: async (e) => service.invalidate((e.payload as { profileId: string }).profileId),
    } satisfies Subscriber,
    /** The scheduler role: trains now if there is no model yet, then every `trainIntervalMin`. */
    startSchedule(): { stop(): void } {
      const tick = () => enqueueForSlot(Date.now()).catch((err: unknown) => o.log.error({ err }, 'could not schedule recommender training'));
      void (async () => {
        if (!(await repo.latestModel().catch(() => undefined))) await tick();
      })();
      const timer = setInterval(tick, o.trainIntervalMin * 60_000);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
  };
}
