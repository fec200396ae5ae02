import type { Readable } from 'node:stream';
import { DomainError, conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { newId, nowIso } from '../../platform/db/index.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import type { ObjectStore } from '../../platform/objects/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { LadderMode } from './media/encodeTitle.ts';
import type { StudioRepository, VideoRow } from './repository.ts';
import type { QcReport } from './qc/verdict.ts';
import { estimateEtaSec, type ProgressSample, withSample } from './progressEta.ts';
import { checkSubtitles, isLanguageTag, subtitlePlaylist } from './subtitles.ts';
import { ENCODE_JOB, type EncodeJobPayload, type StudioJob, type SubtitleFile, type Video } from './types.ts';

export class JobFailedError extends Error {
  constructor(readonly job: StudioJob) {
    super(`Job ${job.jobId} failed: ${job.error?.code ?? 'unknown'}: ${job.error?.message ?? ''}`);
  }
}

export const assetPrefix = (assetId: string): string => `videos/${assetId}`;

export interface IngestInput {
  accountId: string;
  isAdmin: boolean;
  titleId: string;
  episodeId?: string | null;
  filename: string;
  source: Readable | Buffer;
  /** per-title or fixed ladder; default: the studio's ENCODE_LADDER setting. */
  ladder?: LadderMode;
  /** Encrypt the output (CENC); default: the studio's setting for new uploads. */
  protected?: boolean;
  /** Called once the bytes are stored; throws if the source turned out incomplete (cut at a size limit). */
  assertComplete?: () => void;
}

const toVideo = (r: VideoRow): Video => ({
  id: r.id,
  status: r.status,
  titleId: r.title_id,
  episodeId: r.episode_id,
  durationSec: r.duration_sec === null ? null : Number(r.duration_sec),
  width: r.width,
  height: r.height,
  renditions: r.renditions ? JSON.parse(r.renditions) : [],
  files: r.files ? JSON.parse(r.files) : null,
  errorCode: r.error_code,
  assetId: r.asset_id,
  ladder: r.ladder ? JSON.parse(r.ladder) : null,
  qc: r.qc ? JSON.parse(r.qc) : null,
});

/** Longest override reason kept: a sentence or a paragraph, not a document. */
export const QC_OVERRIDE_REASON_MAX = 2000;

export function studioService(o: { repo: StudioRepository; objects: ObjectStore; queue: JobQueue; catalog: CatalogService; protectUploads?: boolean }) {
  return {
    /** Checks the target before any bytes are stored, so a refused upload leaves nothing behind. */
    async checkTarget(accountId: string, isAdmin: boolean, titleId: string, episodeId?: string | null): Promise<void> {
      const title = await o.catalog.assertOwner(titleId, accountId, isAdmin).catch((err: unknown) => {
        if (err instanceof Error && 'code' in err && err.code === 'title_not_found') throw invalid('unknown_title', 'titleId names no title', 'titleId');
        throw err;
      });
      if (episodeId) {
        const ep = await o.catalog.episode(episodeId).catch(() => undefined);
        if (!ep || ep.titleId !== titleId) throw invalid('unknown_episode', 'episodeId names no episode of this title', 'episodeId');
      } else if (title.type === 'series') {
        throw invalid('episode_required', 'Uploads for a series need an episodeId', 'episodeId');
      }
    },

    /** Stores the source and queues its encode; the video is published only if the encode succeeds. */
    async ingest(input: IngestInput): Promise<{ uploadId: string; jobId: string; videoId: string }> {
      await this.checkTarget(input.accountId, input.isAdmin, input.titleId, input.episodeId);
      const uploadId = newId();
      const videoId = newId();
      const sourceKey = `uploads/${uploadId}/source`;
      const stored = await o.objects.put(sourceKey, input.source);
      try {
        input.assertComplete?.();
      } catch (err) {
        await o.objects.deletePrefix(`uploads/${uploadId}`);
        throw err;
      }
      const payload: EncodeJobPayload = { uploadId, videoId, sourceKey, titleId: input.titleId, episodeId: input.episodeId ?? null, ...(input.ladder ? { ladder: input.ladder } : {}), protected: input.protected ?? o.protectUploads ?? false };
      const now = nowIso();
      const jobId = newId();
      try {
        await o.repo.insertUploadAndVideo(
          { id: uploadId, account_id: input.accountId, title_id: input.titleId, episode_id: input.episodeId ?? null, object_key: sourceKey, filename: input.filename, size_bytes: stored.size, video_id: videoId, job_id: jobId, created_at: now },
          { id: videoId, asset_id: videoId, status: 'processing', title_id: input.titleId, episode_id: input.episodeId ?? null, duration_sec: null, width: null, height: null, renditions: null, files: null, error_code: null, created_at: now, updated_at: now },
          (tx) => o.queue.enqueue(ENCODE_JOB, payload, { id: jobId, transaction: tx }),
        );
      } catch (err) {
        await o.objects.deletePrefix(`uploads/${uploadId}`);
        throw err;
      }
      return { uploadId, jobId, videoId };
    },

    async job(jobId: string, caller: { accountId: string; isAdmin: boolean }): Promise<StudioJob> {
      const upload = await o.repo.uploadByJob(jobId);
      const job = upload && (await o.queue.get(jobId));
      if (!upload || !job) throw notFound('job_not_found', 'No such job');
      if (!caller.isAdmin && upload.account_id !== caller.accountId) throw forbidden('not_your_job', 'This job belongs to another partner');
      return {
        jobId: job.id,
        titleId: upload.title_id,
        episodeId: upload.episode_id,
        videoId: upload.video_id,
        status: job.status,
        stage: job.stage,
        progress: job.progress,
        ...(job.error && job.status !== 'succeeded' ? { error: job.error } : {}),
        createdAt: job.createdAt,
        updatedAt: job.updatedAt,
      };
    },

    /** Another title plays an already packaged video (demo content shares a few encodes). */
    async shareVideo(videoId: string, target: { titleId: string; episodeId?: string | null }): Promise<Video> {
      const source = await o.repo.videoById(videoId);
      if (!source || source.status !== 'ready') throw notFound('video_not_found', 'No ready video to share');
      const now = nowIso();
      const row: VideoRow = { ...source, id: newId(), title_id: target.titleId, episode_id: target.episodeId ?? null, created_at: now, updated_at: now };
      await o.repo.insertVideo(row);
      await o.catalog.attachVideo({ titleId: target.titleId, episodeId: target.episodeId ?? null, videoId: row.id, durationSec: Number(source.duration_sec) });
      return toVideo(row);
    },

    /** Polls a job until it ends, reporting stage, progress and ETA; resolves on success, throws on failure. */
    async waitForJob(jobId: string, onProgress: (stage: string, progress: number, etaSec: number | null) => void, pollMs = 500): Promise<StudioJob> {
      for await (const job of this.watchJob(jobId, { accountId: 'system', isAdmin: true }, { pollMs })) {
        onProgress(job.stage, job.progress, job.etaSec);
        if (job.status === 'succeeded') return job;
        if (job.status === 'failed') throw new JobFailedError(job);
      }
      throw new Error(`watching job ${jobId} ended before the job did`);
    },

    /**
     * A job's states as they change, each with an ETA from the progress seen so far, ending with
     * the terminal one (succeeded or failed). The caller's access is checked before the first
     * (403/404 as `job`). Polls the job table: the worker may be on another machine.
     */
    async *watchJob(jobId: string, caller: { accountId: string; isAdmin: boolean }, opts: { pollMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<StudioJob & { etaSec: number | null }> {
      const pollMs = opts.pollMs ?? 500;
      let samples: ProgressSample[] = [];
      let seen = '';
      while (!opts.signal?.aborted) {
        const job = await this.job(jobId, caller);
        if (job.status === 'running') samples = withSample(samples, { atMs: Date.parse(job.updatedAt), progress: job.progress });
        const key = `${job.status}|${job.stage}|${job.progress}|${job.updatedAt}`;
        if (key !== seen) {
          seen = key;
          yield { ...job, etaSec: job.status === 'running' ? estimateEtaSec(samples) : job.status === 'succeeded' ? 0 : null };
        }
        if (job.status === 'succeeded' || job.status === 'failed') return;
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            opts.signal?.removeEventListener('abort', wake);
            resolve();
          };
          const timer = setTimeout(wake, pollMs);
          opts.signal?.addEventListener('abort', wake, { once: true });
        });
      }
    },

    /** A partner's uploads (an admin's view: everyone's), newest first, each with its job. */
    async uploads(caller: { accountId: string; isAdmin: boolean }, limit = 50): Promise<(StudioJob & { filename: string })[]> {
      const rows = await o.repo.recentUploads(caller.isAdmin ? null : caller.accountId, limit);
      const jobs = await Promise.all(rows.map((u) => this.job(u.job_id, caller).then((j) => ({ ...j, filename: u.filename }), () => undefined)));
      return jobs.filter((j) => j !== undefined);
    },

    /** The encoded video of an upload, with its ladder report: for the partner who uploaded it, or an admin. */
    async uploadedVideo(videoId: string, caller: { accountId: string; isAdmin: boolean }): Promise<Video> {
      const upload = await o.repo.uploadByVideo(videoId);
      const row = upload && (await o.repo.videoById(videoId));
      if (!upload || !row) throw notFound('video_not_found', 'No such video');
      if (!caller.isAdmin && upload.account_id !== caller.accountId) throw forbidden('not_your_video', 'This video belongs to another partner');
      return toVideo(row);
    },

    /**
     * Attaches (or replaces) one language's subtitles to a ready video: checked against the video's
     * duration, stored as WebVTT beside its packaged files, then listed in every session's manifests.
     */
    async addSubtitles(input: { videoId: string; language: string; label?: string; bytes: Buffer; accountId: string; isAdmin: boolean }): Promise<SubtitleFile> {
      if (!isLanguageTag(input.language)) throw invalid('invalid_language', 'language must be a BCP 47 tag such as en or pt-BR', 'language');
      const row = await o.repo.videoById(input.videoId);
      if (!row) throw notFound('video_not_found', 'No such video');
      await o.catalog.assertOwner(row.title_id, input.accountId, input.isAdmin);
      const video = toVideo(row);
      if (video.status !== 'ready' || !video.files || video.durationSec === null) throw conflict('video_not_ready', 'Subtitles can be added once the video is encoded');
      const checked = checkSubtitles(input.bytes, video.durationSec);
      if (!checked.ok) {
        const first = checked.report[0]!;
        throw new DomainError('invalid', 'invalid_subtitles', `The subtitle file has ${checked.report.length} problem(s); first, line ${first.line}: ${first.problem}`, { field: 'file', extra: { report: checked.report } });
      }
      // Under the video's own id: videos sharing one package keep their own subtitles.
      const dir = `subtitles/${video.id}`;
      const track: SubtitleFile = { language: input.language, label: input.label?.trim() || input.language, vtt: `${dir}/${input.language}.vtt`, playlist: `${dir}/${input.language}.m3u8`, cues: checked.cues.length, uploadedAt: nowIso() };
      await o.objects.put(`${assetPrefix(video.assetId)}/${track.vtt}`, Buffer.from(checked.vtt));
      await o.objects.put(`${assetPrefix(video.assetId)}/${track.playlist}`, Buffer.from(subtitlePlaylist(`${input.language}.vtt`, video.durationSec)));
      await o.repo.updateVideoFiles(video.id, (files) => {
        const others = (files.subtitles ?? []).filter((t) => t.language !== input.language);
        return { ...files, subtitles: [...others, track].sort((a, b) => a.language.localeCompare(b.language)) };
      });
      return track;
    },

    /**
     * An admin publishes a video that QC held back, as it is (no re-encode), recording who and why
     * in its QC report. The title is attached first: if that fails the video stays qc_failed and
     * the override can simply be tried again.
     */
    async overrideQc(videoId: string, input: { adminId: string; reason: unknown }): Promise<Video> {
      const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
      if (!reason) throw invalid('reason_required', 'Say why this video is published despite its failed QC (reason)', 'reason');
      if (reason.length > QC_OVERRIDE_REASON_MAX) throw invalid('reason_too_long', `The reason is limited to ${QC_OVERRIDE_REASON_MAX} characters`, 'reason');
      const row = await o.repo.videoById(videoId);
      if (!row) throw notFound('video_not_found', 'No such video');
      const video = toVideo(row);
      if (video.status !== 'qc_failed' || !video.qc || !video.files || video.durationSec === null) {
        throw conflict('video_not_qc_failed', `The video is ${video.status}; only a video held back by QC can be overridden`);
      }
      const stored = async (file: string | null | undefined) => (file ? readAll(await o.objects.read(`${assetPrefix(video.assetId)}/${file}`)) : undefined);
      const poster = await stored(video.files.poster);
      const backdrop = await stored(video.files.backdrop);
      await o.catalog.attachVideo({ titleId: video.titleId, episodeId: video.episodeId, videoId: video.id, durationSec: video.durationSec, ...(poster ? { poster } : {}), ...(backdrop ? { backdrop } : {}) });
      const qc: QcReport = { ...video.qc, override: { by: input.adminId, reason, at: nowIso() } };
      if (!(await o.repo.overrideQc(video.id, qc))) throw conflict('video_not_qc_failed', 'The video was published by another override meanwhile');
      return { ...video, status: 'ready', errorCode: null, qc };
    },

    async video(videoId: string): Promise<Video | undefined> {
      const row = await o.repo.videoById(videoId);
      return row && toVideo(row);
    },
  };
}

export type StudioService = ReturnType<typeof studioService>;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
