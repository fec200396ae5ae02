import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import { type Database, migrateToLatest, newId, openDatabase } from './platform/db/index.ts';
import { installErrorHandler, routeNotFound } from './platform/http/errorHandler.ts';
import { JobQueue, type JobHandler, jobMigrations } from './platform/jobs/index.ts';
import { createLogger } from './platform/logger.ts';
import { createMetrics, instrumentHttp } from './platform/metrics.ts';
import { type ObjectStore, localObjectStore } from './platform/objects/index.ts';
import { memoryRateLimiter } from './platform/ratelimit/index.ts';
import { type CatalogService, catalogMigrations, catalogModule } from './modules/catalog/index.ts';
import { type IdentityService, identityMigrations, identityModule } from './modules/identity/index.ts';
import { playbackMigrations, playbackModule, type PlaybackService } from './modules/playback/index.ts';
import { profileMigrations, profilesModule, type ProfilesService } from './modules/profiles/index.ts';
import { recommendModule } from './modules/recommend/index.ts';
import { studioMigrations, studioModule, type StudioService } from './modules/studio/index.ts';
import { viewingMigrations, viewingModule, type ViewingService } from './modules/viewing/index.ts';

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
  };
  readonly media: { ffmpegPath: string; ffprobePath: string };
  close(): Promise<void>;
}

const WEB_DIST = resolve(import.meta.dirname, '../web/dist');
const require = createRequire(import.meta.url);

/** The composition root: picks adapters from config and wires the modules. Does not listen. */
export async function createMarquee(config: Config, opts: { logger?: Logger } = {}): Promise<Marquee> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const database = openDatabase(config.databaseUrl ? { postgresUrl: config.databaseUrl } : { sqliteFile: join(config.dataDir, 'marquee.db') });
  await migrateToLatest(database.db, jobMigrations, identityMigrations, profileMigrations, catalogMigrations, studioMigrations, viewingMigrations, playbackMigrations);
  const objects = localObjectStore(config.objectsDir);
  const queue = new JobQueue(database.db, database.engine);
  const metrics = createMetrics();
  const media = {
    ffmpegPath: config.ffmpegPath ?? (require('@ffmpeg-installer/ffmpeg') as { path: string }).path,
    ffprobePath: config.ffprobePath ?? (require('@ffprobe-installer/ffprobe') as { path: string }).path,
  };

  const db = database.db;
  const identity = identityModule({ db, limiter: memoryRateLimiter(), jwtSecret: config.jwtSecret, accessTtlSec: config.accessTokenTtlSec, refreshTtlSec: config.refreshTokenTtlSec, loginMaxAttempts: config.loginMaxAttempts, loginIpMaxAttempts: config.loginIpMaxAttempts, loginWindowSec: config.loginWindowSec });
  const auth = identity.auth;
  const profiles = profilesModule({ db, identity: identity.service, auth });
  const catalog = catalogModule({ db, objects, auth });
  const studio = studioModule({ db, objects, queue, catalog: catalog.service, auth, uploadMaxBytes: config.uploadMaxBytes, ...media, encodePreset: config.encodePreset, log: log.child({ module: 'studio' }) });
  const viewing = viewingModule({ db, catalog: catalog.service, auth });
  const playback = playbackModule({ db, objects, catalog: catalog.service, studio: studio.service, viewing: viewing.service, auth, metrics, urlSecret: config.urlSigningSecret, urlTtlSec: config.playbackUrlTtlSec });
  const recommend = recommendModule({ catalog: catalog.service, viewing: viewing.service, auth });

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
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installErrorHandler(app);
  instrumentHttp(app, metrics);
  await app.register(fastifyMultipart, { limits: { fileSize: config.uploadMaxBytes } });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await database.ping();
      return { status: 'ready', database: database.engine, objects: objects.kind };
    } catch (err) {
      log.warn({ err }, 'readiness check failed');
      return reply.status(503).header('retry-after', '5').send({ status: 'unavailable', error: { code: 'dependency_unavailable', message: 'The database is not reachable' } });
    }
  });

  for (const routes of [identity.routes, profiles.routes, catalog.routes, studio.routes, viewing.routes, playback.routes, playback.media, recommend.routes]) {
    await app.register(routes);
  }
  await registerWebApp(app);

  return {
    config,
    app,
    log,
    database,
    objects,
    queue,
    jobs: { ...studio.jobs },
    services: { identity: identity.service, profiles: profiles.service, catalog: catalog.service, studio: studio.service, viewing: viewing.service, playback: playback.service },
    media,
    async close() {
      await app.close();
      await database.close();
    },
  };
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
