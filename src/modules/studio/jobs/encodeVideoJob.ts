import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type JobHandler, PermanentJobError } from '../../../platform/jobs/index.ts';
import type { ObjectStore } from '../../../platform/objects/index.ts';
import type { CatalogService } from '../../catalog/index.ts';
import type { X264Preset } from '../media/encodeArgs.ts';
import { encodeVideo } from '../media/encodeTitle.ts';
import { isMediaRejectedError } from '../media/mediaRejectedError.ts';
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
}

// Share of the job's progress bar each stage takes; encoding dominates.
const STAGE_SPAN = { probe: [0, 0.02], encode: [0.02, 0.9], images: [0.9, 0.95], publish: [0.95, 1] } as const;

/**
 * Probe, encode the ladder, package, upload, publish. Idempotent: a retry or a pick-up after a
 * crashed worker starts from a clean output folder. Bad media fails for good and publishes nothing.
 */
export function encodeVideoJob(d: EncodeJobDeps): JobHandler {
  return async (raw, ctx) => {
    const p = raw as EncodeJobPayload;
    const scratch = await mkdtemp(join(tmpdir(), 'marquee-encode-'));
    const report = (stage: keyof typeof STAGE_SPAN, fraction: number) => {
      const [from, to] = STAGE_SPAN[stage];
      return ctx.reportProgress(stage, from + (to - from) * Math.max(0, Math.min(1, fraction)));
    };
    let lastReport = 0;
    try {
      await d.objects.deletePrefix(assetPrefix(p.videoId));
      await report('probe', 0);
      const sourcePath = await d.objects.localCopy(p.sourceKey, scratch);
      const outDir = join(scratch, 'out');
      const encoded = await encodeVideo({
        ffmpegPath: d.ffmpegPath,
        ffprobePath: d.ffprobePath,
        sourcePath,
        outDir,
        preset: d.preset,
        signal: ctx.signal,
        onProgress: (stage, fraction) => {
          // Progress lines arrive many times a second; the lease needs far fewer writes.
          const now = Date.now();
          if (now - lastReport < 1000 && fraction < 1) return;
          lastReport = now;
          report(stage, fraction).catch((err: unknown) => d.log.warn({ err }, 'progress report failed'));
        },
      });
      await report('publish', 0);
      await d.objects.putDirectory(assetPrefix(p.videoId), outDir);
      await d.repo.markVideoReady(p.videoId, {
        durationSec: encoded.durationSec,
        width: encoded.width,
        height: encoded.height,
        renditions: encoded.renditions,
        files: { dash: encoded.files.dash, hls: encoded.files.hls, poster: encoded.files.poster ?? null, thumbnails: encoded.files.thumbnails },
      });
      const poster = encoded.files.poster ? await readFile(join(outDir, encoded.files.poster)) : undefined;
      await d.catalog.attachVideo({ titleId: p.titleId, episodeId: p.episodeId, videoId: p.videoId, durationSec: encoded.durationSec, ...(poster ? { poster } : {}) });
      await report('publish', 1);
      return { videoId: p.videoId, renditions: encoded.renditions.length, durationSec: encoded.durationSec };
    } catch (err) {
      await d.objects.deletePrefix(assetPrefix(p.videoId)).catch(() => undefined);
      if (isMediaRejectedError(err)) {
        await d.repo.markVideoFailed(p.videoId, err.code);
        throw new PermanentJobError(err.code, err.message);
      }
      if (ctx.job.attempts >= ctx.job.maxAttempts) await d.repo.markVideoFailed(p.videoId, 'encode_failed');
      throw err;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };
}
