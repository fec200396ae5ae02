import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { JobQueue } from '../../platform/jobs/index.ts';
import { sourceCache, type ObjectStore } from '../../platform/objects/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { ContentKey } from './media/cenc.ts';
import type { X264Preset } from './media/encodeArgs.ts';
import type { LadderMode } from './media/encodeTitle.ts';
import { encodeVideoJob } from './jobs/encodeVideoJob.ts';
import { ENCODE_CHUNK_JOB, encodeChunkJob } from './jobs/encodeChunkJob.ts';
import { studioMigrations } from './migrations.ts';
import { studioRepository } from './repository.ts';
import { DEFAULT_THRESHOLDS } from './qc/verdict.ts';
import { studioRoutes } from './routes.ts';
import { type StudioService, studioService } from './service.ts';
import { tusRoutes } from './tusRoutes.ts';
import { ATTACH_AUDIO_JOB, ENCODE_JOB } from './types.ts';
import { attachAudioJob } from './jobs/attachAudioJob.ts';
import { dubRoutes } from './dubRoutes.ts';
import { dubService } from './dubService.ts';

export { studioMigrations, ENCODE_JOB, ENCODE_CHUNK_JOB };
export { JobFailedError, type StudioService } from './service.ts';
export type { Rendition, StudioJob, SubtitleFile, Video, VideoFiles } from './types.ts';
export type { LadderMode, LadderReport } from './media/encodeTitle.ts';
export type { QcCheck, QcReport } from './qc/verdict.ts';
export { DEMO_VIDEO_KINDS, type DemoVideoKind } from './media/demoVideo.ts';
export { makeDemoVideo } from './media/makeDemoVideo.ts';
/** For bench:encode: encode a title, then measure its renditions over the whole title and compare ladders. */
export { encodeVideo, probeMedia, type EncodedVideo, type EncodeStage } from './media/index.ts';
export { bdRate, type BdRate, type RatePoint } from './media/bdRate.ts';
export { makeQualityReference, measureLadder, type MeasuredRendition, type QualityReference } from './media/measureLadder.ts';

export interface StudioModuleOptions {
  db: Kysely<object>;
  objects: ObjectStore;
  queue: JobQueue;
  catalog: CatalogService;
  auth: Authenticator;
  uploadMaxBytes: number;
  /** Where unfinished resumable (tus) uploads are kept. */
  tusDirectory: string;
  ffmpegPath: string;
  ffprobePath: string;
  encodePreset: X264Preset;
  /** Ladder for uploads that do not choose one (default per-title). */
  ladderMode?: LadderMode;
  /** VMAF model file for per-title scoring; without one, PSNR. */
  vmafModelPath?: string;
  /** Largest rungs also encoded in VP9 (default 2). */
  vp9Rungs?: number;
  log: Logger;
  /** New uploads are encrypted unless they say otherwise. */
  protectUploads?: boolean;
  /** The title's content key (from playback's key store); needed to encrypt. */
  contentKeyFor?: (titleId: string) => Promise<ContentKey>;
  /** The worker's job lease (JOB_LEASE_SEC): an encode claiming its own chunk jobs holds them this long. */
  jobLeaseSec?: number;
  /** ENCODE_CHUNK_CONCURRENCY: chunks an encode job runs itself at once while it waits for them. */
  encodeChunkConcurrency?: number;
  /** Where chunk jobs keep the sources they downloaded, and how many bytes of them (SOURCE_CACHE_BYTES). */
  sourceCache: { directory: string; maxBytes: number };
  /** QC: a VMAF every scored rung must reach besides its own target (QC_VMAF_FLOOR). */
  qcVmafFloor?: number;
}

export function studioModule(o: StudioModuleOptions) {
  const repo = studioRepository(o.db);
  const service: StudioService = studioService({ repo, objects: o.objects, queue: o.queue, catalog: o.catalog, ...(o.protectUploads !== undefined ? { protectUploads: o.protectUploads } : {}) });
  const sources = sourceCache(o.objects, o.sourceCache.directory, o.sourceCache.maxBytes);
  const runChunk = encodeChunkJob({ objects: o.objects, sources, ffmpegPath: o.ffmpegPath, ffprobePath: o.ffprobePath });
  const dubs = dubService({ repo, objects: o.objects, queue: o.queue, catalog: o.catalog, ffprobePath: o.ffprobePath });
  return {
    service,
    routes: async (app: FastifyInstance) => {
      await studioRoutes(service, o.auth, o.uploadMaxBytes)(app);
      await dubRoutes(dubs, o.auth, o.uploadMaxBytes)(app);
      await tusRoutes({ service, auth: o.auth, uploadMaxBytes: o.uploadMaxBytes, directory: o.tusDirectory })(app);
    },
    jobs: {
      [ENCODE_CHUNK_JOB]: runChunk,
      [ATTACH_AUDIO_JOB]: attachAudioJob({ repo, objects: o.objects, catalog: o.catalog, ffmpegPath: o.ffmpegPath, ffprobePath: o.ffprobePath, log: o.log, ...(o.contentKeyFor ? { contentKeyFor: o.contentKeyFor } : {}) }),
      [ENCODE_JOB]: encodeVideoJob({ repo, objects: o.objects, sources, catalog: o.catalog, ffmpegPath: o.ffmpegPath, ffprobePath: o.ffprobePath, preset: o.encodePreset, log: o.log, ladderMode: o.ladderMode ?? 'per-title', vmafModelPath: o.vmafModelPath, vp9Rungs: o.vp9Rungs ?? 2, chunks: { queue: o.queue, runChunk, leaseSec: o.jobLeaseSec ?? 60, chunkHelpers: o.encodeChunkConcurrency ?? 1 }, ...(o.contentKeyFor ? { contentKeyFor: o.contentKeyFor } : {}), qcThresholds: { ...DEFAULT_THRESHOLDS, ...(o.qcVmafFloor !== undefined ? { vmafFloor: o.qcVmafFloor } : {}) } }),
    },
  };
}
