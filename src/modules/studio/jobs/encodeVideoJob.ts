import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type JobHandler, PermanentJobError } from '../../../platform/jobs/index.ts';
import type { ObjectStore, SourceCache, SourceLease } from '../../../platform/objects/index.ts';
import type { CatalogService } from '../../catalog/index.ts';
import type { ContentKey } from '../media/cenc.ts';
import type { X264Preset } from '../media/encodeArgs.ts';
import { encryptPackage } from '../media/encryptPackage.ts';
import { encodeVideo, type LadderMode } from '../media/encodeTitle.ts';
import { queuedChunkRunner, type QueuedChunksDeps } from './encodeChunkJob.ts';
import { isMediaRejectedError } from '../media/mediaRejectedError.ts';
import { addCatalogAudioLanguages } from './catalogAudio.ts';
import { QcBlockedError } from '../qc/qcBlockedError.ts';
import { runQc } from '../qc/runQc.ts';
import type { QcThresholds } from '../qc/verdict.ts';
import type { StudioRepository } from '../repository.ts';
import { assetPrefix } from '../service.ts';
import type { EncodeJobPayload } from '../types.ts';

export interface EncodeJobDeps {
  repo: StudioRepository;
  objects: ObjectStore;
  catalog: CatalogService;
  ffmpegPath: string;
  ffprobePath: string;
  preset: X264Preset;
  log: Logger;
  /** For uploads that do not choose (see EncodeJobPayload.ladder). */
  ladderMode: LadderMode;
  vmafModelPath: string | undefined;
  /** Largest rungs that also get VP9. */
  vp9Rungs: number;
  contentKeyFor?: (titleId: string) => Promise<ContentKey>;
  /** The worker's copies of sources, shared with its chunk jobs: the source is fetched once per process. */
  sources: SourceCache;
  /** The ladder's chunks go through the queue as ENCODE_CHUNK_JOB jobs (encodeChunkJob.ts) for any worker to take. */
  chunks: Omit<QueuedChunksDeps, 'log' | 'objects'>;
  /** Limits of the QC gate (default DEFAULT_THRESHOLDS). */
  qcThresholds?: QcThresholds;
}

// Share of the job's progress bar each stage takes; encoding dominates. Per-title analysis
// (trial encodes and their scoring) takes about as long as the ladder itself.
type Stage = 'probe' | 'analyse' | 'encode' | 'score' | 'images' | 'publish';
const FIXED_SPAN: Record<Stage, readonly [number, number]> = { probe: [0, 0.02], analyse: [0.02, 0.02], encode: [0.02, 0.9], score: [0.9, 0.9], images: [0.9, 0.95], publish: [0.95, 1] };
const PER_TITLE_SPAN: Record<Stage, readonly [number, number]> = { probe: [0, 0.02], analyse: [0.02, 0.4], encode: [0.4, 0.85], score: [0.85, 0.9], images: [0.9, 0.95], publish: [0.95, 1] };

/**
 * Probe, encode the ladder, package, upload, publish. Idempotent: a retry or a pick-up after a
 * crashed worker starts from a clean output folder. Bad media fails for good and publishes nothing.
 */
export function encodeVideoJob(d: EncodeJobDeps): JobHandler {
  return async (raw, ctx) => {
    const p = raw as EncodeJobPayload;
    const scratch = await mkdtemp(join(tmpdir(), 'marquee-encode-'));
    const ladderMode = p.ladder ?? d.ladderMode;
    const span = ladderMode === 'per-title' ? PER_TITLE_SPAN : FIXED_SPAN;
    const report = (stage: Stage, fraction: number) => {
      const [from, to] = span[stage];
      return ctx.reportProgress(stage, from + (to - from) * Math.max(0, Math.min(1, fraction)));
    };
    let lastReport = 0;
    let source: SourceLease | undefined;
    try {
      await d.objects.deletePrefix(assetPrefix(p.videoId));
      await report('probe', 0);
      source = await d.sources.acquire(p.sourceKey);
      const sourcePath = source.path;
      const outDir = join(scratch, 'out');
      const encoded = await encodeVideo({
        ffmpegPath: d.ffmpegPath,
        ffprobePath: d.ffprobePath,
        sourcePath,
        outDir,
        preset: d.preset,
        ladderMode,
        vmafModelPath: d.vmafModelPath,
        // Our CENC packager encrypts VP9 samples whole, not in the VP9 subsample layout browsers
        // expect, so a protected title stays H.264-only until that layout is written.
        vp9Rungs: p.protected ? 0 : d.vp9Rungs,
        runChunks: queuedChunkRunner({ ...d.chunks, objects: d.objects, log: d.log }, { job: ctx.job, videoId: p.videoId, sourceKey: p.sourceKey }),
        signal: ctx.signal,
        onProgress: (stage, fraction) => {
          // Progress lines arrive many times a second; the lease needs far fewer writes.
          const now = Date.now();
          if (now - lastReport < 1000 && fraction < 1) return;
          lastReport = now;
          report(stage, fraction).catch((err: unknown) => d.log.warn({ err }, 'progress report failed'));
        },
      });
      if (encoded.ladder.note) d.log.warn({ videoId: p.videoId }, `per-title analysis: ${encoded.ladder.note}`);
      // QC reads the clear output, before encryption; a failure still uploads (an override must not re-encode) but does not publish.
      await ctx.reportProgress('qc', span.images[1]);
      const qc = await runQc({ ffmpegPath: d.ffmpegPath, ffprobePath: d.ffprobePath, sourcePath, outDir, dash: encoded.files.dash, fps: encoded.fps, ladder: encoded.ladder, ...(d.qcThresholds ? { thresholds: d.qcThresholds } : {}), signal: ctx.signal });
      await report('publish', 0);
      if (p.protected && !d.contentKeyFor) throw new PermanentJobError('protection_unavailable', 'This upload asks for encryption but no key store is configured');
      const protection = p.protected && d.contentKeyFor ? await encryptPackage(outDir, await d.contentKeyFor(p.titleId)) : undefined;
      await d.objects.putDirectory(assetPrefix(p.videoId), outDir);
      await d.repo.markVideoReady(p.videoId, {
        durationSec: encoded.durationSec,
        width: encoded.width,
        height: encoded.height,
        renditions: encoded.renditions,
        ladder: encoded.ladder,
        qc,
        files: { dash: encoded.files.dash, hls: encoded.files.hls, poster: encoded.files.poster ?? null, thumbnails: encoded.files.thumbnails, backdrop: encoded.images.backdrop.file, trickplay: encoded.images.trickplay, audio: encoded.audioTracks, ...(protection ? { protection } : {}) },
      });
      if (qc.verdict === 'fail') throw new QcBlockedError(qc);
      const poster = encoded.files.poster ? await readFile(join(outDir, encoded.files.poster)) : undefined;
      const backdrop = await readFile(join(outDir, encoded.images.backdrop.file));
      await d.catalog.attachVideo({ titleId: p.titleId, episodeId: p.episodeId, videoId: p.videoId, durationSec: encoded.durationSec, ...(poster ? { poster } : {}), backdrop });
      await addCatalogAudioLanguages(d.catalog, p.titleId, encoded.audioTracks.map((t) => t.language));
      await report('publish', 1);
      return { videoId: p.videoId, renditions: encoded.renditions.length, durationSec: encoded.durationSec };
    } catch (err) {
      if (err instanceof QcBlockedError) throw err;
      await d.objects.deletePrefix(assetPrefix(p.videoId)).catch(() => undefined);
      if (isMediaRejectedError(err)) {
        await d.repo.markVideoFailed(p.videoId, err.code);
        throw new PermanentJobError(err.code, err.message);
      }
      if (ctx.job.attempts >= ctx.job.maxAttempts) await d.repo.markVideoFailed(p.videoId, 'encode_failed');
      throw err;
    } finally {
      await source?.release();
      await rm(scratch, { recursive: true, force: true });
    }
  };
}
