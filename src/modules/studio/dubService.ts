/**
 * Attaching an audio track (a dub) to a ready video: checked at once (language, ownership, state,
 * what the file is and how long it runs), then packaged by an ATTACH_AUDIO_JOB.
 */
import { createReadStream } from 'node:fs';
import { DomainError, conflict, invalid, notFound, unsupportedMedia } from '../../platform/errors.ts';
import { newId, nowIso } from '../../platform/db/index.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import type { ObjectStore } from '../../platform/objects/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import { audioLanguageTag } from './media/audioArgs.ts';
import { isMediaRejectedError } from './media/mediaRejectedError.ts';
import { probeAudio } from './media/probe.ts';
import { dubDurationProblem } from './dubs.ts';
import type { StudioRepository } from './repository.ts';
import { isLanguageTag } from './subtitles.ts';
import { ATTACH_AUDIO_JOB, type AttachAudioJobPayload, type VideoFiles } from './types.ts';

export interface DubTarget {
  videoId: string;
  language: string;
  accountId: string;
  isAdmin: boolean;
}

export function dubService(o: { repo: StudioRepository; objects: ObjectStore; queue: JobQueue; catalog: CatalogService; ffprobePath: string }) {
  /** Everything that can be refused before the file is read. */
  async function checkTarget(t: DubTarget): Promise<{ durationSec: number; titleId: string; episodeId: string | null }> {
    if (!isLanguageTag(t.language)) throw invalid('invalid_language', 'language must be a BCP 47 tag such as en or pt-BR', 'language');
    const row = await o.repo.videoById(t.videoId);
    if (!row) throw notFound('video_not_found', 'No such video');
    await o.catalog.assertOwner(row.title_id, t.accountId, t.isAdmin);
    if (row.status !== 'ready' || row.files === null || row.duration_sec === null) throw conflict('video_not_ready', 'Audio tracks can be added once the video is encoded');
    const files = JSON.parse(row.files) as VideoFiles;
    // Two tags name one language when they normalise alike (fra and fr).
    const wanted = audioLanguageTag(t.language).toLowerCase();
    if ((files.audio ?? []).some((a) => a.language.toLowerCase() === wanted)) {
      throw conflict('audio_language_exists', `The video already has ${t.language} audio; a language is added once`, 'language');
    }
    // Demo titles share one package; a dub written into it would appear on all of them.
    if ((await o.repo.videosOfAsset(row.asset_id)) > 1) throw conflict('package_shared', 'This video shares its package with other titles; audio cannot be added to it');
    return { durationSec: Number(row.duration_sec), titleId: row.title_id, episodeId: row.episode_id };
  }

  return {
    checkTarget,

    /**
     * Probes the file (a local copy the caller removes), stores it and queues its packaging.
     * Not audio: 415 not_audio; running much longer or shorter than the video: 422.
     */
    async attachAudio(t: DubTarget & { filePath: string; filename: string }): Promise<{ jobId: string; videoId: string; language: string }> {
      const target = await checkTarget(t);
      // One spelling per language in manifests and the catalog: fra and fre are stored as fr.
      const language = audioLanguageTag(t.language);
      const info = await probeAudio(o.ffprobePath, t.filePath).catch((err: unknown) => {
        if (isMediaRejectedError(err)) throw unsupportedMedia('not_audio', `${t.filename} is not usable audio: ${err.message}`);
        throw err;
      });
      const problem = dubDurationProblem(info.durationSec, target.durationSec);
      if (problem) throw new DomainError('unprocessable', 'audio_duration_mismatch', `The audio does not fit the video: ${problem}`, { field: 'file' });

      const uploadId = newId();
      const sourceKey = `uploads/${uploadId}/source`;
      const stored = await o.objects.put(sourceKey, createReadStream(t.filePath));
      const payload: AttachAudioJobPayload = { videoId: t.videoId, language, sourceKey };
      const jobId = newId();
      try {
        await o.repo.insertUpload(
          { id: uploadId, account_id: t.accountId, title_id: target.titleId, episode_id: target.episodeId, object_key: sourceKey, filename: t.filename, size_bytes: stored.size, video_id: t.videoId, job_id: jobId, created_at: nowIso() },
          (tx) => o.queue.enqueue(ATTACH_AUDIO_JOB, payload, { id: jobId, transaction: tx }),
        );
      } catch (err) {
        await o.objects.deletePrefix(`uploads/${uploadId}`);
        throw err;
      }
      return { jobId, videoId: t.videoId, language };
    },
  };
}

export type DubService = ReturnType<typeof dubService>;
