import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { Redis } from 'ioredis';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import { type Database, migrateToLatest, newId, openDatabase } from './platform/db/index.ts';
import { installErrorHandler, routeNotFound } from './platform/http/errorHandler.ts';
import { eventMigrations, startOutboxRelay, type OutboxRelay, type Subscriber } from './platform/events/index.ts';
import { JobQueue, type JobHandler, jobMigrations } from './platform/jobs/index.ts';
import { createLogger } from './platform/logger.ts';
import { createMetrics, instrumentHttp } from './platform/metrics.ts';
import { installRequestCorrelation, startTracing } from './platform/tracing.ts';
import { type ObjectStore, guardedObjectStore, localObjectStore, s3ObjectStore } from './platform/objects/index.ts';
import { TIER_NAMES, startLoadMonitor } from './platform/load/index.ts';
import { memoryRateLimiter, redisRateLimiter } from './platform/ratelimit/index.ts';
import { type Guards, createGuards, databaseFaultPlugin, faultInjector } from './platform/resilience/index.ts';
import { installGateway } from './gateway/index.ts';
import { fillCandidatesFrom, steeringModule, type SteeringService } from './modules/delivery/index.ts';
import { type CatalogService, catalogMigrations, catalogModule } from './modules/catalog/index.ts';
import { type IdentityService, PLANS, identityMigrations, identityModule } from './modules/identity/index.ts';
import { playbackMigrations, playbackModule, type PlaybackService } from './modules/playback/index.ts';
import { profileMigrations, profilesModule, type ProfilesService } from './modules/profiles/index.ts';
import { experimentMigrations, experimentsModule, type ExperimentsService } from './modules/experiments/index.ts';
import { recommendMigrations, recommendModule } from './modules/recommend/index.ts';
import { operationsMigrations, operationsModule } from './modules/operations/index.ts';
import { searchModule, type SearchService } from './modules/search/index.ts';
import { RediSearchBackend } from './adapters/search/redisearch.ts';
import { studioMigrations, studioModule, type StudioService } from './modules/studio/index.ts';
import { VIEWING_EVENTS, viewingMigrations, viewingModule, type ViewingService } from './modules/viewing/index.ts';

export interface Marquee {
  readonly config: Config;
  readonly app: FastifyInstance;
  readonly log: Logger;
  readonly database: Database;
  readonly objects: ObjectStore;
  readonly queue: JobQueue;
  readonly jobs: Record<string, JobHandler>;
  readonly services: {
    identity: IdentityService;
    profiles: ProfilesService;
    catalog: CatalogService;
    studio: StudioService;
    viewing: ViewingService;
    playback: PlaybackService;
    experiments: ExperimentsService;
    search: SearchService;
    recommend: ReturnType<typeof recommendModule>;
    /** Present when this process runs the steering role. */
    steering: SteeringService | undefined;
  };
  readonly media: { ffmpegPath: string; ffprobePath: string };
  /** Starts delivering outbox events to in-process subscribers (the api role does this). */
  startEventRelay(subscribers: Subscriber[]): OutboxRelay;
  close(): Promise<void>;
}

const WEB_DIST = resolve(import.meta.dirname, '../web/dist');
const require = createRequire(import.meta.url);

/** The composition root: picks adapters from config and wires the modules. Does not listen. */
export async function createMarquee(config: Config, opts: { logger?: Logger } = {}): Promise<Marquee> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const tracing = config.otel ? startTracing(config.otel) : undefined;
  const faults = faultInjector(config.chaosEnabled);
  const plugins = config.chaosEnabled ? [databaseFaultPlugin(faults)] : [];
  const database = openDatabase(config.databaseUrl ? { postgresUrl: config.databaseUrl, plugins } : { sqliteFile: join(config.dataDir, 'marquee.db'), plugins });
  await migrateToLatest(database.db, jobMigrations, eventMigrations, identityMigrations, profileMigrations, catalogMigrations, studioMigrations, viewingMigrations, playbackMigrations, experimentMigrations, recommendMigrations, operationsMigrations);
  const queue = new JobQueue(database.db, database.engine);
  const metrics = createMetrics();
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
  redis?.on('error', (err) => log.warn({ err }, 'redis unreachable'));
  const limiter = redis ? redisRateLimiter(redis) : memoryRateLimiter();
  const guards = createGuards({ metrics, faults, defaultTimeoutMs: config.dependencyTimeoutMs, log: log.child({ component: 'breaker' }) });
  const monitor = startLoadMonitor({ policy: config.load, metrics, log: log.child({ component: 'load' }) });
  const objects = guardedObjectStore(config.s3 ? s3ObjectStore(config.s3, log.child({ module: 'objects' })) : localObjectStore(config.objectsDir), guards);
  const media = {
    ffmpegPath: config.ffmpegPath ?? (require('@ffmpeg-installer/ffmpeg') as { path: string }).path,
    ffprobePath: config.ffprobePath ?? (require('@ffprobe-installer/ffprobe') as { path: string }).path,
  };

  const db = database.db;
  const identity = identityModule({ db, limiter, jwtSecret: config.jwtSecret, accessTtlSec: config.accessTokenTtlSec, refreshTtlSec: config.refreshTokenTtlSec, loginMaxAttempts: config.loginMaxAttempts, loginIpMaxAttempts: config.loginIpMaxAttempts, loginWindowSec: config.loginWindowSec });
  const auth = identity.auth;
  const profiles = profilesModule({ db, identity: identity.service, auth });
  // Built before the modules it reads from: its activity source is only called at request time.
  const experiments = experimentsModule({
    db,
    auth,
    metrics,
    plans: PLANS,
    accountCreatedAt: (accountId) => identity.service.account(accountId).then((a) => a.createdAt, () => undefined),
    activity: {
      sessions: (q) => playback.service.sessionsOf(q),
      // Completion comes from the viewing history each profile already has.
      progress: async (profileIds, since) =>
        (await Promise.all(profileIds.map(async (profileId) => (await viewing.service.fullHistory(profileId)).filter((h) => h.lastWatchedAt >= since).map((h) => ({ profileId, videoId: h.videoId, finished: h.completed, updatedAt: h.lastWatchedAt }))))).flat(),
    },
  });
  const catalog = catalogModule({ db, objects, auth, experiments: experiments.service });
  const studio = studioModule({ db, objects, queue, catalog: catalog.service, auth, uploadMaxBytes: config.uploadMaxBytes, tusDirectory: join(config.dataDir, 'tus'), sourceCache: { directory: join(config.dataDir, 'source-cache'), maxBytes: config.sourceCacheBytes }, ...media, encodePreset: config.encodePreset, jobLeaseSec: config.jobLeaseSec, encodeChunkConcurrency: config.encodeChunkConcurrency, ladderMode: config.encodeLadder, vp9Rungs: config.encodeVp9Rungs, ...(config.vmafModelPath ? { vmafModelPath: config.vmafModelPath } : {}), ...(config.qcVmafFloor !== undefined ? { qcVmafFloor: config.qcVmafFloor } : {}), log: log.child({ module: 'studio' }), protectUploads: config.protectUploads, contentKeyFor: (titleId) => playback.contentKeyFor(titleId) });
  const viewing = viewingModule({ db, catalog: catalog.service, auth, metrics });
  const steering = config.roles.includes('steering')
    ? steeringModule({
        secret: config.urlSigningSecret,
        metrics,
        log: log.child({ module: 'steering' }),
        checkIntervalMs: config.steeringCheckIntervalMs,
        auth,
        queue,
        objects,
        fillCandidates: () => fillCandidatesFrom(catalog.service, studio.service, Date.now()),
        fillIntervalSec: config.fillIntervalSec,
      })
    : undefined;
  const playback = playbackModule({
    db,
    objects,
    catalog: catalog.service,
    studio: studio.service,
    viewing: viewing.service,
    auth,
    metrics,
    urlSecret: config.urlSigningSecret,
    urlTtlSec: config.playbackUrlTtlSec,
    keyEncryptionSecret: config.keyEncryptionKey,
    limiter,
    guards,
    profileNames: async (accountId) => new Map((await profiles.service.list(accountId)).map((p) => [p.id, p.name])),
    ...(steering ? { cdn: lastKnownEdges(guards, (region) => steering.service.choose(region)) } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  const recommend = recommendModule({ db, objects, queue, catalog: catalog.service, viewing: viewing.service, experiments: experiments.service, auth, log: log.child({ module: 'recommend' }), guards, loadTier: () => monitor.tier(), ...config.recommend });
  for (const definition of recommend.experiments) await experiments.service.ensure(definition);
  // Its own connection: search commands are slow next to rate-limit hits, and may go to another Redis.
  const searchRedis = config.search.engine === 'redisearch' ? new Redis(config.search.redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
  searchRedis?.on('error', (err) => log.warn({ err }, 'search redis unreachable'));
  const search = searchModule({ catalog: catalog.service, viewing: viewing.service, auth, guards, log: log.child({ module: 'search' }), ...(searchRedis ? { engine: new RediSearchBackend(searchRedis) } : {}) });
  await search.service.start();

  let relay: OutboxRelay | undefined;
  if (config.admin) await identity.service.ensureAdmin(config.admin.email, config.admin.password);

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : newId();
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // Signed media paths are long; the default 100 also leaves little room for search queries.
    routerOptions: { maxParamLength: 500 },
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  installErrorHandler(app);
  instrumentHttp(app, metrics);
  installRequestCorrelation(app);
  installGateway(app, { config, limiter, auth, monitor, metrics });
  await app.register(fastifyMultipart, { limits: { fileSize: config.uploadMaxBytes } });

  // Polled by load balancers and orchestrators many times a second: no log line per poll.
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await database.ping();
      return { status: 'ready', database: database.engine, objects: objects.kind, limits: limiter.kind, degradation: { tier: monitor.tier(), name: TIER_NAMES[monitor.tier()] } };
    } catch (err) {
      log.warn({ err }, 'readiness check failed');
      return reply.status(503).header('retry-after', '5').send({ status: 'unavailable', error: { code: 'dependency_unavailable', message: 'The database is not reachable' } });
    }
  });

  const operations = operationsModule({ db, auth, metrics, guards, faults, monitor, dependencies: () => ['database', ...guards.breakers().map((b) => b.name)] });
  for (const routes of [operations.routes, identity.routes, profiles.routes, catalog.routes, studio.routes, viewing.routes, playback.routes, playback.media, recommend.routes, search.routes, experiments.routes, ...(steering ? [steering.routes] : [])]) {
    await app.register(routes);
  }
  steering?.start();
  await registerWebApp(app);

  return {
    config,
    app,
    log,
    database,
    objects,
    queue,
    jobs: { ...studio.jobs, ...recommend.jobs, ...steering?.jobs },
    services: { identity: identity.service, profiles: profiles.service, catalog: catalog.service, studio: studio.service, viewing: viewing.service, playback: playback.service, search: search.service, experiments: experiments.service, recommend, steering: steering?.service },
    media,
    startEventRelay(subscribers) {
      const counted = metrics.counter('marquee_domain_events_total', 'Domain events delivered from the outbox', ['type']);
      const analytics: Subscriber = { name: 'analytics-metrics', types: Object.values(VIEWING_EVENTS), handle: async (e) => void counted.inc({ type: e.type }) };
      relay = startOutboxRelay({ db, engine: database.engine, subscribers: [analytics, recommend.subscriber, ...subscribers], log: log.child({ component: 'outbox' }) });
      return relay;
    },
    async close() {
      monitor.stop();
      guards.shutdown();
      faults.clear();
      search.service.stop();
      await steering?.stop();
      await app.close();
      // Acknowledged progress is already committed; this writes what arrived during shutdown.
      await viewing.service.flush();
      await relay?.stop();
      await database.close();
      redis?.disconnect();
      searchRedis?.disconnect();
      await tracing?.shutdown();
    },
  };
}

/**
 * Steering behind a breaker: when it fails or is slow, playback starts with the edges it last
 * chose for that region (or from the origin alone when it never answered).
 */
function lastKnownEdges(guards: Guards, choose: (region: string) => string[]): (region: string) => Promise<string[]> {
  const last = new Map<string, string[]>();
  return guards.guard(
    'steering',
    async (region: string) => {
      const edges = choose(region);
      last.set(region, edges);
      return edges;
    },
    { timeoutMs: 500, fallback: (region) => last.get(region) ?? [] },
  );
}

/** Serves the built web app; unknown non-API paths get index.html so client-side routes work. */
async function registerWebApp(app: FastifyInstance): Promise<void> {
  const hasWeb = existsSync(join(WEB_DIST, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: WEB_DIST, wildcard: true, index: 'index.html' });
  app.setNotFoundHandler((request, reply) => {
    const apiPath = /^\/(api|media|images|metrics|healthz|readyz)(\/|$)/.test(request.url);
    if (hasWeb && request.method === 'GET' && !apiPath) return reply.type('text/html').sendFile('index.html');
    return reply.status(404).send(routeNotFound(request.method, request.url));
  });
}
