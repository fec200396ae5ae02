import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';
import type { S3StoreOptions } from './objects/s3Store.ts';

const ROLES = ['api', 'worker', 'edge', 'steering', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MARQUEE_ROLES: z.string().default(ROLES.join(',')),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  OBJECTS_DIR: z.string().optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3-63 lowercase letters, digits, dots and hyphens').optional(),
  S3_REGION: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a region name such as us-east-1').default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: bool.optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  URL_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  KEY_ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  PROTECT_UPLOADS: bool.default(true),
  ACCESS_TOKEN_TTL_SEC: z.coerce.number().int().min(30).default(900),
  REFRESH_TOKEN_TTL_SEC: z.coerce.number().int().min(60).default(30 * 24 * 3600),
  PLAYBACK_URL_TTL_SEC: z.coerce.number().int().min(10).default(6 * 3600),
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1).default(4 * 1024 ** 3),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  JOB_LEASE_SEC: z.coerce.number().int().min(5).default(60),
  // Chunk encoders are single-threaded; an encode runs this many of its chunks at once.
  ENCODE_CHUNK_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(availableParallelism()),
  SOURCE_CACHE_BYTES: z.coerce.number().int().min(0).default(20 * 2 ** 30),
  ENCODE_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).default('veryfast'),
  ENCODE_LADDER: z.enum(['per-title', 'fixed']).default('per-title'),
  ENCODE_VP9_RUNGS: z.coerce.number().int().min(0).max(8).default(2),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  LOGIN_IP_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(100),
  LOGIN_WINDOW_SEC: z.coerce.number().int().min(1).default(300),
  SEED_DEMO: bool.default(true),
  MARQUEE_ADMIN_EMAIL: z.email().optional(),
  MARQUEE_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  FFMPEG_PATH: z.string().optional(),
  FFPROBE_PATH: z.string().optional(),
  VMAF_MODEL_PATH: z.string().optional(),
  QC_VMAF_FLOOR: z.coerce.number().min(0).max(100).optional(),
  STEERING_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  FILL_INTERVAL_SEC: z.coerce.number().int().min(0).max(7 * 86_400).default(3600),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  SEARCH_ENGINE: z.enum(['embedded', 'redisearch']).default('embedded'),
  SEARCH_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  RATE_LIMITS: z.string().optional(),
  DEPENDENCY_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  REC_TRAIN_INTERVAL_MIN: z.coerce.number().int().min(1).max(10_080).default(60),
  REC_MODEL_CHECK_SEC: z.coerce.number().min(0).max(3600).default(30),
  HOME_CACHE_TTL_SEC: z.coerce.number().int().min(0).max(86_400).default(600),
  LOAD_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(1).default(200),
  LOAD_MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(512),
  LOAD_LATENCY_MS: z.coerce.number().int().min(1).default(2000),
  LOAD_RECOVERY_SEC: z.coerce.number().min(0.1).default(15),
  CHAOS_ENABLED: bool.default(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  OTEL_SERVICE_NAME: z.string().regex(/^[\w.-]{1,64}$/, 'must be a short service name').default('marquee'),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string | undefined;
  readonly logLevel: string;
  readonly roles: readonly Role[];
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly objectsDir: string;
  /** S3-compatible object storage; unset: objects live in `objectsDir`. */
  readonly s3: S3Config | undefined;
  readonly jwtSecret: string;
  readonly urlSigningSecret: string;
  /** Content keys are stored wrapped (AES-256-GCM) under a key derived from this. */
  readonly keyEncryptionKey: string;
  /** New uploads are encrypted (CENC, ClearKey licences) unless the upload says protected=false. */
  readonly protectUploads: boolean;
  readonly accessTokenTtlSec: number;
  readonly refreshTokenTtlSec: number;
  readonly playbackUrlTtlSec: number;
  readonly uploadMaxBytes: number;
  readonly workerConcurrency: number;
  readonly jobLeaseSec: number;
  readonly encodeChunkConcurrency: number;
  /** Bytes of source videos a worker keeps downloaded for its chunk jobs (S3 stores only). */
  readonly sourceCacheBytes: number;
  readonly encodePreset: z.infer<typeof EnvSchema>['ENCODE_PRESET'];
  /** Ladder of uploads that do not choose: per-title (trial encodes + VMAF hull) or fixed. */
  readonly encodeLadder: z.infer<typeof EnvSchema>['ENCODE_LADDER'];
  /** How many of the largest rungs also get a VP9 rendition (0: H.264 only). */
  readonly encodeVp9Rungs: number;
  readonly loginMaxAttempts: number;
  readonly loginIpMaxAttempts: number;
  readonly loginWindowSec: number;
  readonly seedDemo: boolean;
  readonly admin: { email: string; password: string } | undefined;
  readonly ffmpegPath: string | undefined;
  readonly ffprobePath: string | undefined;
  readonly vmafModelPath: string | undefined;
  /** QC: every VMAF-scored rung must also reach this (besides the score it was chosen for); unset: no floor. */
  readonly qcVmafFloor: number | undefined;
  /** Steering health-checks every edge this often; two failures in a row mark it unhealthy. */
  readonly steeringCheckIntervalMs: number;
  /** How often steering enqueues the prepositioning fill job; 0: only on demand. */
  readonly fillIntervalSec: number;
  /** Shared cache, rate limits and presence; unset: in-process. */
  readonly redisUrl: string | undefined;
  /** Search engine: in-process, or a RediSearch server shared by every api process (at `redisUrl`). */
  readonly search: { engine: 'embedded' } | { engine: 'redisearch'; redisUrl: string };
  /** Sliding-window limits per gateway category (auth, browse, search, playback_start, progress). */
  readonly rateLimits: Readonly<Record<string, RateLimitRule>>;
  /** How long a call across a module seam may take before its breaker counts it as failed. */
  readonly dependencyTimeoutMs: number;
  /** Recommender: minutes between scheduled trainings, how often a process looks for a newer model, how long a home page stays cached. */
  readonly recommend: { trainIntervalMin: number; modelCheckSec: number; homeCacheTtlSec: number };
  /** Load above which the api role steps down a degradation tier (and back up after `recoverySec` below). */
  readonly load: { eventLoopDelayMs: number; maxInFlight: number; latencyMs: number; recoverySec: number };
  /** Fault injection for chaos tests: off unless set, and admin-only even then. */
  readonly chaosEnabled: boolean;
  /** OpenTelemetry traces go to this OTLP/HTTP endpoint when set. */
  readonly otel: { endpoint: string; serviceName: string } | undefined;
}

export interface RateLimitRule {
  perAccount: number;
  perIp: number;
  windowSec: number;
}

/** Per minute, per account and per IP. Progress is per IP generous: many viewers share a NAT. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimitRule>> = Object.freeze({
  auth: { perAccount: 20, perIp: 300, windowSec: 60 },
  browse: { perAccount: 600, perIp: 3000, windowSec: 60 },
  search: { perAccount: 600, perIp: 3000, windowSec: 60 },
  playback_start: { perAccount: 60, perIp: 600, windowSec: 60 },
  progress: { perAccount: 1200, perIp: 60_000, windowSec: 60 },
});

const RateLimitOverrides = z.partialRecord(
  z.enum(Object.keys(DEFAULT_RATE_LIMITS) as [string, ...string[]]),
  z.object({ perAccount: z.number().int().min(0), perIp: z.number().int().min(0), windowSec: z.number().int().min(1).max(86_400) }).partial().strict(),
);

/** S3 object storage as the store needs it; the store's own tuning knobs keep their defaults. */
export type S3Config = Omit<S3StoreOptions, 'uploadConcurrency'>;

/** A single S3 PutObject takes at most 5 GiB (the S3 store uploads each object in one request). */
const S3_MAX_OBJECT_BYTES = 5 * 1024 ** 3;

export class ConfigError extends Error {}

function searchConfig(e: z.infer<typeof EnvSchema>): Config['search'] {
  if (e.SEARCH_ENGINE === 'embedded') return { engine: 'embedded' };
  const redisUrl = e.SEARCH_REDIS_URL ?? e.REDIS_URL;
  if (!redisUrl) throw new ConfigError('Invalid configuration: SEARCH_ENGINE=redisearch needs SEARCH_REDIS_URL (or REDIS_URL) of a Redis with the RediSearch module');
  return { engine: 'redisearch', redisUrl };
}

/** Parses the environment once; a bad value stops start-up with one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  const e = parsed.data;
  const roles = e.MARQUEE_ROLES.split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = roles.find((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown) throw new ConfigError(`Invalid configuration: MARQUEE_ROLES has unknown role "${unknown}" (known: ${ROLES.join(', ')})`);
  if (Boolean(e.MARQUEE_ADMIN_EMAIL) !== Boolean(e.MARQUEE_ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration: MARQUEE_ADMIN_EMAIL and MARQUEE_ADMIN_PASSWORD must be set together');
  }
  const dataDir = resolve(e.DATA_DIR);
  const s3 = s3Config(e, dataDir);
  mkdirSync(dataDir, { recursive: true });
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    roles: roles as Role[],
    dataDir,
    databaseUrl: e.DATABASE_URL,
    objectsDir: resolve(e.OBJECTS_DIR ?? join(dataDir, 'objects')),
    s3,
    jwtSecret: e.JWT_SECRET ?? localSecret(dataDir, 'jwt'),
    urlSigningSecret: e.URL_SIGNING_SECRET ?? localSecret(dataDir, 'url-signing'),
    keyEncryptionKey: e.KEY_ENCRYPTION_KEY ?? localSecret(dataDir, 'key-encryption'),
    protectUploads: e.PROTECT_UPLOADS,
    accessTokenTtlSec: e.ACCESS_TOKEN_TTL_SEC,
    refreshTokenTtlSec: e.REFRESH_TOKEN_TTL_SEC,
    playbackUrlTtlSec: e.PLAYBACK_URL_TTL_SEC,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    workerConcurrency: e.WORKER_CONCURRENCY,
    jobLeaseSec: e.JOB_LEASE_SEC,
    encodeChunkConcurrency: e.ENCODE_CHUNK_CONCURRENCY,
    sourceCacheBytes: e.SOURCE_CACHE_BYTES,
    encodePreset: e.ENCODE_PRESET,
    encodeLadder: e.ENCODE_LADDER,
    encodeVp9Rungs: e.ENCODE_VP9_RUNGS,
    loginMaxAttempts: e.LOGIN_MAX_ATTEMPTS,
    loginIpMaxAttempts: e.LOGIN_IP_MAX_ATTEMPTS,
    loginWindowSec: e.LOGIN_WINDOW_SEC,
    seedDemo: e.SEED_DEMO,
    admin: e.MARQUEE_ADMIN_EMAIL && e.MARQUEE_ADMIN_PASSWORD ? { email: e.MARQUEE_ADMIN_EMAIL.toLowerCase(), password: e.MARQUEE_ADMIN_PASSWORD } : undefined,
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    // The development model beside the checkout (see ../shared/design.md); missing means PSNR scoring.
    vmafModelPath: e.VMAF_MODEL_PATH ?? resolve(import.meta.dirname, '../../../shared/models/vmaf/vmaf_v0.6.1.pkl'),
    qcVmafFloor: e.QC_VMAF_FLOOR,
    steeringCheckIntervalMs: e.STEERING_CHECK_INTERVAL_MS,
    fillIntervalSec: e.FILL_INTERVAL_SEC,
    redisUrl: e.REDIS_URL,
    search: searchConfig(e),
    rateLimits: rateLimits(e.RATE_LIMITS),
    dependencyTimeoutMs: e.DEPENDENCY_TIMEOUT_MS,
    recommend: { trainIntervalMin: e.REC_TRAIN_INTERVAL_MIN, modelCheckSec: e.REC_MODEL_CHECK_SEC, homeCacheTtlSec: e.HOME_CACHE_TTL_SEC },
    load: { eventLoopDelayMs: e.LOAD_EVENT_LOOP_DELAY_MS, maxInFlight: e.LOAD_MAX_IN_FLIGHT, latencyMs: e.LOAD_LATENCY_MS, recoverySec: e.LOAD_RECOVERY_SEC },
    chaosEnabled: e.CHAOS_ENABLED,
    otel: e.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME } : undefined,
  });
}

/** RATE_LIMITS is JSON overriding the defaults, e.g. {"search":{"perAccount":120}}. */
function rateLimits(json: string | undefined): Record<string, RateLimitRule> {
  if (json === undefined) return DEFAULT_RATE_LIMITS;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ConfigError('Invalid configuration: RATE_LIMITS must be JSON such as {"search":{"perAccount":120}}');
  }
  const parsed = RateLimitOverrides.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: RATE_LIMITS.${issue.path.join('.')} ${issue.message}`);
  }
  return Object.freeze(Object.fromEntries(Object.entries(DEFAULT_RATE_LIMITS).map(([k, rule]) => [k, Object.freeze({ ...rule, ...parsed.data[k] })])));
}

/** S3 storage is on when any of S3_ENDPOINT, S3_BUCKET or the keys is set; then all it needs must be. */
function s3Config(e: z.infer<typeof EnvSchema>, dataDir: string): S3Config | undefined {
  const given = (['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((name) => e[name] !== undefined);
  if (given.length === 0) return undefined;
  const because = `for S3 object storage (${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set)`;
  const required = (name: 'S3_BUCKET' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY'): string => {
    const value = e[name];
    if (value === undefined) throw new ConfigError(`Invalid configuration: ${name} is required ${because}`);
    return value;
  };
  const bucket = required('S3_BUCKET');
  const accessKeyId = required('S3_ACCESS_KEY_ID');
  const secretAccessKey = required('S3_SECRET_ACCESS_KEY');
  if (e.OBJECTS_DIR !== undefined) {
    throw new ConfigError(`Invalid configuration: OBJECTS_DIR is for local object storage and S3 storage is configured (${given.join(', ')}); unset one of them`);
  }
  if (e.UPLOAD_MAX_BYTES > S3_MAX_OBJECT_BYTES) {
    throw new ConfigError(`Invalid configuration: UPLOAD_MAX_BYTES must be at most ${S3_MAX_OBJECT_BYTES} (5 GiB, one S3 upload) with S3 object storage`);
  }
  const config: S3Config = {
    endpoint: e.S3_ENDPOINT,
    bucket,
    region: e.S3_REGION,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: e.S3_FORCE_PATH_STYLE ?? e.S3_ENDPOINT !== undefined,
    spoolDir: join(dataDir, 'spool'),
  };
  // The secret key stays out of anything that prints the config (pino, JSON, console, util.inspect).
  const redacted = (): object => ({ ...config, secretAccessKey: '[redacted]' });
  return Object.freeze({ ...config, toJSON: redacted, [inspect.custom]: redacted });
}

/** A laptop install gets a random secret kept in the data dir, so restarts keep sessions valid. */
function localSecret(dataDir: string, name: string): string {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
