import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

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
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  URL_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SEC: z.coerce.number().int().min(30).default(900),
  REFRESH_TOKEN_TTL_SEC: z.coerce.number().int().min(60).default(30 * 24 * 3600),
  PLAYBACK_URL_TTL_SEC: z.coerce.number().int().min(10).default(6 * 3600),
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1).default(4 * 1024 ** 3),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  JOB_LEASE_SEC: z.coerce.number().int().min(5).default(60),
  ENCODE_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).default('veryfast'),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  LOGIN_IP_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(100),
  LOGIN_WINDOW_SEC: z.coerce.number().int().min(1).default(300),
  SEED_DEMO: bool.default(true),
  MARQUEE_ADMIN_EMAIL: z.email().optional(),
  MARQUEE_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  FFMPEG_PATH: z.string().optional(),
  FFPROBE_PATH: z.string().optional(),
  VMAF_MODEL_PATH: z.string().optional(),
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
  readonly jwtSecret: string;
  readonly urlSigningSecret: string;
  readonly accessTokenTtlSec: number;
  readonly refreshTokenTtlSec: number;
  readonly playbackUrlTtlSec: number;
  readonly uploadMaxBytes: number;
  readonly workerConcurrency: number;
  readonly jobLeaseSec: number;
  readonly encodePreset: z.infer<typeof EnvSchema>['ENCODE_PRESET'];
  readonly loginMaxAttempts: number;
  readonly loginIpMaxAttempts: number;
  readonly loginWindowSec: number;
  readonly seedDemo: boolean;
  readonly admin: { email: string; password: string } | undefined;
  readonly ffmpegPath: string | undefined;
  readonly ffprobePath: string | undefined;
  readonly vmafModelPath: string | undefined;
}

export class ConfigError extends Error {}

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
    jwtSecret: e.JWT_SECRET ?? localSecret(dataDir, 'jwt'),
    urlSigningSecret: e.URL_SIGNING_SECRET ?? localSecret(dataDir, 'url-signing'),
    accessTokenTtlSec: e.ACCESS_TOKEN_TTL_SEC,
    refreshTokenTtlSec: e.REFRESH_TOKEN_TTL_SEC,
    playbackUrlTtlSec: e.PLAYBACK_URL_TTL_SEC,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    workerConcurrency: e.WORKER_CONCURRENCY,
    jobLeaseSec: e.JOB_LEASE_SEC,
    encodePreset: e.ENCODE_PRESET,
    loginMaxAttempts: e.LOGIN_MAX_ATTEMPTS,
    loginIpMaxAttempts: e.LOGIN_IP_MAX_ATTEMPTS,
    loginWindowSec: e.LOGIN_WINDOW_SEC,
    seedDemo: e.SEED_DEMO,
    admin: e.MARQUEE_ADMIN_EMAIL && e.MARQUEE_ADMIN_PASSWORD ? { email: e.MARQUEE_ADMIN_EMAIL.toLowerCase(), password: e.MARQUEE_ADMIN_PASSWORD } : undefined,
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    vmafModelPath: e.VMAF_MODEL_PATH,
  });
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
