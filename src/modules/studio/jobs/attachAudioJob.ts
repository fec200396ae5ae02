import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type JobHandler, PermanentJobError } from '../../../platform/jobs/index.ts';
import { readObjectText, type ObjectStore } from '../../../platform/objects/index.ts';
import type { CatalogService } from '../../catalog/index.ts';
import { AAC_LC, audioOutputs, audioPackageArgs } from '../media/audioArgs.ts';
import { mpdAudioLanguages, mpdSegmentSec } from '../media/audioManifests.ts';
import type { ContentKey } from '../media/cenc.ts';
import { encryptPackage } from '../media/encryptPackage.ts';
import { measureLoudness } from '../media/loudness.ts';
import { asMediaRejection, isMediaRejectedError } from '../media/mediaRejectedError.ts';
import { probeAudio } from '../media/probe.ts';
import { runFfmpeg } from '../media/runFfmpeg.ts';
import { DUB_MPD, dubDir, dubRepresentationId } from '../dubs.ts';
import type { StudioRepository } from '../repository.ts';
import { assetPrefix } from '../service.ts';
import type { AttachAudioJobPayload, AudioTrackFile, VideoFiles } from '../types.ts';
import { addCatalogAudioLanguages } from './catalogAudio.ts';
import { syncDubManifests } from './dubManifests.ts';

export interface AttachAudioJobDeps {
  repo: StudioRepository;
  objects: ObjectStore;
  catalog: CatalogService;
  ffmpegPath: string;
  ffprobePath: string;
  log: Logger;
  contentKeyFor?: (titleId: string) => Promise<ContentKey>;
}

/**
 * Packages a dub beside its video and adds it to the video's manifests: the dub's first audio
 * track, loudness-normalised like the source's, as AAC stereo (plus 5.1 from a 5.1 file) in CMAF
 * segments of the video's segment length, encrypted with the title's key when the video is.
 * Segments and playlists are stored first, then the video's file list names the dub, then the
 * manifests list it (dubManifests.ts: also when other dubs are being added at the same time), so
 * a reader never sees a manifest naming files that are not there. A retry re-adds nothing.
 */
export function attachAudioJob(d: AttachAudioJobDeps): JobHandler {
  return async (raw, ctx) => {
    const p = raw as AttachAudioJobPayload;
    const row = await d.repo.videoById(p.videoId);
    if (!row || row.status !== 'ready' || !row.files || row.duration_sec === null) throw new PermanentJobError('video_not_ready', 'The video is not ready for audio tracks');
    const files = JSON.parse(row.files) as VideoFiles;
    const prefix = assetPrefix(row.asset_id);
    const dir = dubDir(p.language);
    const scratch = await mkdtemp(join(tmpdir(), 'marquee-dub-'));
    try {
      await ctx.reportProgress('probe', 0);
      const sourcePath = await d.objects.localCopy(p.sourceKey, scratch);
      const info = await probeAudio(d.ffprobePath, sourcePath);
      const tracks = [{ ...info.audioStreams[0]!, language: p.language }];
      const outputs = audioOutputs(tracks, 0, 0);
      const ids = outputs.map((o) => dubRepresentationId(p.language, o.channels));

      const mpd = await readObjectText(d.objects, `${prefix}/${files.dash}`);
      if (!ids.some((id) => mpd.includes(`id="${id}"`)) && mpdAudioLanguages(mpd).some((l) => l.toLowerCase() === p.language.toLowerCase())) {
        throw new PermanentJobError('audio_language_exists', `The video already has ${p.language} audio`);
      }

      const durationSec = Number(row.duration_sec);
      const run = (args: string[], onProgress?: (f: number) => void) =>
        runFfmpeg(d.ffmpegPath, args, { durationSec, signal: ctx.signal, ...(onProgress ? { onProgress } : {}) }).catch((e: unknown) => {
          throw asMediaRejection(e, 'the audio could not be decoded');
        });
      await ctx.reportProgress('encode', 0.05);
      const loudness = await measureLoudness({ ffmpegPath: d.ffmpegPath, input: sourcePath, outputs, durationSec, signal: ctx.signal });
      const out = join(scratch, 'package');
      await mkdir(out);
      await run(audioPackageArgs({ input: sourcePath, outDir: out, tracks, segmentSec: mpdSegmentSec(mpd) ?? 4, maxDurationSec: durationSec, measurements: loudness }));

      await ctx.reportProgress('publish', 0.9);
      if (files.protection) {
        if (!d.contentKeyFor) throw new PermanentJobError('protection_unavailable', 'The video is encrypted but no key store is configured');
        await encryptPackage(out, await d.contentKeyFor(row.title_id));
      }
      // The packager's MPD is kept as the dub's own (the video's MPD copies the dub from it); its HLS
      // master is not needed: the video's master lists the dub's media playlists.
      await rename(join(out, 'manifest.mpd'), join(out, DUB_MPD));
      await rm(join(out, 'master.m3u8'), { force: true });
      await d.objects.putDirectory(`${prefix}/${dir}`, out);

      // In package order: a dub's n-th entry is its media_<n>.m3u8 (dubs.ts dubListings).
      const added: AudioTrackFile[] = outputs.map((o) => ({ language: p.language, channels: o.channels, kbps: o.kbps, codec: AAC_LC, dubDir: dir }));
      const listed = await d.repo.updateVideoFiles(p.videoId, (latest) => ({ ...latest, audio: [...(latest.audio ?? []).filter((a) => a.dubDir !== dir), ...added] }));
      if (!listed) throw new PermanentJobError('video_not_ready', 'The video is not ready for audio tracks');
      await syncDubManifests(d, p.videoId, prefix, AAC_LC);
      await addCatalogAudioLanguages(d.catalog, row.title_id, [p.language]);
      await ctx.reportProgress('publish', 1);
      return { videoId: p.videoId, language: p.language, renditions: outputs.length };
    } catch (err) {
      if (isMediaRejectedError(err)) throw new PermanentJobError(err.code, err.message);
      throw err;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };
}
