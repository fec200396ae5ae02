import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import { type CatalogService, type CatalogViewer, sameArtwork, viewerOf } from '../catalog/index.ts';
import { type ExperimentsClient, applyExperiment, requestDevice } from '../experiments/index.ts';
import type { Authenticator, ProfileCaller } from '../identity/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import { type HomeRow, chooseArtwork, genreAffinity, orderRows, rowOrderOf } from './homeRows.ts';
import { daypartOf } from './ranking.ts';
import { ONBOARDING_PICKS, type HomeRequest, type RecommenderService } from './service.ts';
import { TRAIN_JOB } from './trainJob.ts';

export const HOME_ROW_ORDER = 'home_row_order';

const hourQuery = { hour: { type: 'integer', minimum: 0, maximum: 23, description: 'the viewer’s local hour, for time-of-day ranking (default: UTC now)' } } as const;

const sameOrder = (a: HomeRow[], b: HomeRow[]) => a.length === b.length && a.every((r, i) => r.id === b[i]!.id);
const sameArt = (a: HomeRow[], b: HomeRow[]) => a.every((r, i) => sameArtwork(r.items, b[i]!.items));

export interface RecommendRouteDeps {
  service: RecommenderService;
  catalog: CatalogService;
  viewing: ViewingService;
  experiments: ExperimentsClient;
  auth: Authenticator;
  queue: JobQueue;
  titleArtworkExperiment: string;
}

function homeRequest(request: FastifyRequest, caller: ProfileCaller, hour: number | undefined): HomeRequest & { device: ReturnType<typeof requestDevice> } {
  const device = requestDevice(request);
  return { profileId: caller.profile.id, viewer: viewerOf(caller)!, device, context: { device, daypart: daypartOf(hour ?? new Date().getUTCHours()) } };
}

async function affinityOf(catalog: CatalogService, viewing: ViewingService, profileId: string, viewer: CatalogViewer): Promise<Map<string, number>> {
  const recent = await viewing.history(profileId, undefined, 50);
  return genreAffinity(await catalog.summariesOf([...new Set(recent.items.map((h) => h.titleId))], viewer));
}

export function recommendRoutes(d: RecommendRouteDeps) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { hour?: number } }>('/api/v1/home', { schema: { querystring: { type: 'object', additionalProperties: false, properties: hourQuery } } }, async (request) => {
      const caller = await d.auth.profile(request);
      const req = homeRequest(request, caller, request.query.hour);
      const [page, rowOrder, artwork] = await Promise.all([d.service.home(req), d.experiments.decide(caller, req.device, HOME_ROW_ORDER), d.experiments.decide(caller, req.device, d.titleArtworkExperiment)]);
      const personalised = rowOrder?.variants.some((v) => rowOrderOf(v.config) === 'personalised');
      const affinity = personalised ? await affinityOf(d.catalog, d.viewing, caller.profile.id, req.viewer) : undefined;
      const ordered = await applyExperiment(d.experiments, caller, rowOrder, (c) => orderRows(page.rows, rowOrderOf(c), affinity), sameOrder);
      const rows = await applyExperiment(d.experiments, caller, artwork, (c) => chooseArtwork(ordered, c), sameArt);
      return { rows, onboarding: page.onboarding, source: page.source };
    });

    app.get<{ Querystring: { limit?: number; hour?: number } }>(
      '/api/v1/recommendations',
      { schema: { querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 100 }, ...hourQuery } } } },
      async (request) => {
        const caller = await d.auth.profile(request);
        return { items: await d.service.recommendations(homeRequest(request, caller, request.query.hour), request.query.limit ?? 20) };
      },
    );

    app.get<{ Querystring: { limit?: number } }>(
      '/api/v1/onboarding/titles',
      { schema: { querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 60 } } } } },
      async (request) => {
        const caller = await d.auth.profile(request);
        return { items: await d.service.onboardingChoices(viewerOf(caller)!, request.query.limit ?? 30), minPicks: ONBOARDING_PICKS.min, maxPicks: ONBOARDING_PICKS.max };
      },
    );

    app.post<{ Body: { titleIds: string[] } }>(
      '/api/v1/profiles/me/onboarding',
      { schema: { body: { type: 'object', required: ['titleIds'], additionalProperties: false, properties: { titleIds: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 100 } } } } } },
      async (request, reply) => {
        const caller = await d.auth.profile(request);
        await d.service.savePicks(caller.profile.id, viewerOf(caller)!, request.body.titleIds);
        return reply.status(204).send();
      },
    );

    app.post('/api/v1/admin/recommendations/train', async (request, reply) => {
      await d.auth.role(request, 'admin');
      const job = await d.queue.enqueue(TRAIN_JOB, { reason: 'admin' }, { maxAttempts: 2 });
      return reply.status(202).send(jobView(job));
    });

    app.get<{ Params: { jobId: string } }>('/api/v1/admin/recommendations/jobs/:jobId', async (request) => {
      await d.auth.role(request, 'admin');
      const job = await d.queue.get(request.params.jobId);
      if (!job || job.type !== TRAIN_JOB) throw notFound('job_not_found', 'No such training job');
      return jobView(job);
    });

    app.get('/api/v1/admin/recommendations/model', async (request) => {
      await d.auth.role(request, 'admin');
      return { model: await d.service.modelInfo() };
    });
  };
}

const jobView = (j: { id: string; status: string; stage: string; progress: number; error: unknown; result: unknown; createdAt: string; updatedAt: string }) => ({
  jobId: j.id,
  status: j.status,
  stage: j.stage,
  progress: j.progress,
  ...(j.error ? { error: j.error } : {}),
  ...(j.result ? { result: j.result } : {}),
  createdAt: j.createdAt,
  updatedAt: j.updatedAt,
});
