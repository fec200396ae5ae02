/**
 * Keeps a video's manifests listing every dub its file list names.
 *
 * Dubs are added by jobs that may run at once on different workers, and manifests are plain
 * objects with no compare-and-swap. So the file list in the database is the truth (updated by
 * compare-and-swap), and each job rewrites the manifests from it and reads them back until they
 * agree: a job whose edit another job's write replaced finds a dub missing on its next read and
 * adds it again. Every write is followed by its writer's read-back, so the last write always holds
 * every dub the database held then.
 */
import type { Logger } from 'pino';
import { ObjectNotFoundError, readObjectText, type ObjectStore } from '../../../platform/objects/index.ts';
import { DUB_MPD, dubListings, dubRepresentationId } from '../dubs.ts';
import { hlsMasterWithDub, mpdWithDub } from '../media/audioManifests.ts';
import type { StudioRepository } from '../repository.ts';
import type { VideoFiles } from '../types.ts';

/** Read-back rounds before giving up (the job is then retried); each round loses only to another writer. */
const MAX_ROUNDS = 10;

export async function syncDubManifests(d: { repo: StudioRepository; objects: ObjectStore; log: Logger }, videoId: string, prefix: string, codec: string): Promise<void> {
  const dubMpds = new Map<string, string | undefined>();
  // Dubs attached before their own MPD was kept have none: they cannot be listed again, and must
  // not stop later dubs from being listed.
  const dubMpdOf = async (dir: string) => {
    if (!dubMpds.has(dir)) {
      const text = await readObjectText(d.objects, `${prefix}/${dir}/${DUB_MPD}`).catch((err: unknown) => {
        if (err instanceof ObjectNotFoundError) return undefined;
        throw err;
      });
      if (text === undefined) d.log.warn({ videoId, dir }, 'a dub is missing from the MPD and has no MPD of its own to list it from');
      dubMpds.set(dir, text);
    }
    return dubMpds.get(dir);
  };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const row = await d.repo.videoById(videoId);
    if (!row?.files) throw new Error(`video ${videoId} has no files`);
    const files = JSON.parse(row.files) as VideoFiles;
    const mpd = await readObjectText(d.objects, `${prefix}/${files.dash}`);
    const master = await readObjectText(d.objects, `${prefix}/${files.hls}`);
    let nextMpd = mpd;
    let nextMaster = master;
    for (const dub of dubListings(files.audio ?? [])) {
      const id = dubRepresentationId(dub.language, dub.channels);
      nextMaster = hlsMasterWithDub(nextMaster, { language: dub.language, channels: dub.channels, uri: `${dub.dir}/media_${dub.output}.m3u8`, codec });
      if (nextMpd.includes(`<Representation id="${id}"`)) continue;
      const dubMpd = await dubMpdOf(dub.dir);
      if (dubMpd !== undefined) nextMpd = mpdWithDub(nextMpd, dubMpd, { language: dub.language, dir: dub.dir, from: String(dub.output), id });
    }
    if (nextMpd === mpd && nextMaster === master) return;
    // The master first, then the MPD: the order every manifest edit keeps.
    if (nextMaster !== master) await d.objects.put(`${prefix}/${files.hls}`, Buffer.from(nextMaster));
    if (nextMpd !== mpd) await d.objects.put(`${prefix}/${files.dash}`, Buffer.from(nextMpd));
  }
  throw new Error(`the manifests of video ${videoId} kept changing under other writers; gave up after ${MAX_ROUNDS} rounds`);
}
