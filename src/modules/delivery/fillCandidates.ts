import type { CatalogService } from '../catalog/index.ts';
import type { StudioService } from '../studio/index.ts';
import type { FillCandidate } from './fillJob.ts';

/**
 * What the fill job may push: each title's ready video (for a series, its first episode, where
 * viewers start), with the catalog's popularity; a title whose licensing windows all open later
 * carries its first opening as its release.
 */
export async function fillCandidatesFrom(catalog: CatalogService, studio: StudioService, now: number): Promise<FillCandidate[]> {
  const out: FillCandidate[] = [];
  for (const t of await catalog.indexableTitles()) {
    const title = await catalog.studioTitle(t.id);
    const videoId = title.videoId ?? title.seasons?.flatMap((s) => s.episodes).find((e) => e.videoId)?.videoId;
    if (!videoId) continue;
    const video = await studio.video(videoId);
    if (!video || video.status !== 'ready' || !video.files) continue;
    const windows = (await catalog.playableItem(videoId))?.windows ?? [];
    const openNow = windows.some((w) => Date.parse(w.startsAt) <= now && (w.endsAt === null || now < Date.parse(w.endsAt)));
    const opens = windows.map((w) => Date.parse(w.startsAt)).filter((at) => at > now);
    const releaseAt = windows.length > 0 && !openNow && opens.length > 0 ? Math.min(...opens) : undefined;
    out.push({ assetId: video.assetId, dashFile: video.files.dash, popularity: t.popularity, ...(releaseAt !== undefined ? { releaseAt } : {}) });
  }
  return out;
}
