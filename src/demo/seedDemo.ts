import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Marquee } from '../app.ts';
import { DEMO_VIDEO_KINDS, type DemoVideoKind, makeDemoVideo } from '../modules/studio/index.ts';
import { backdropSvg, posterSvg } from './artwork.ts';
import { type DemoTitle, demoCatalog } from './demoCatalog.ts';

/** How seeding reports to whoever watches it (the CLI draws progress bars). */
export interface SeedReporter {
  /** `etaSec`: seconds left when known (null or absent: not enough signal yet). */
  step(task: string, stage: string, fraction: number, etaSec?: number | null): void;
  done(task: string): void;
  info(message: string): void;
}

interface SeedState {
  titles: Record<string, { id: string; episodes: string[] }>;
  baseVideos: Partial<Record<DemoVideoKind, string>>;
  done: boolean;
}

const DEMO_KINDS = DEMO_VIDEO_KINDS.filter((k) => k !== 'noise').slice(0, 5);
const DEMO_SECONDS = 32;

/**
 * Seeds the demo catalog once: titles with artwork, five generated videos encoded through the
 * real pipeline, then every other title and episode sharing those encodes. Progress is kept in
 * the data dir, so an interrupted seed resumes where it stopped and a finished one never reruns.
 */
export async function seedDemo(m: Marquee, reporter: SeedReporter, catalog: DemoTitle[] = demoCatalog()): Promise<void> {
  const stateFile = join(m.config.dataDir, 'demo-seed.json');
  const exists = existsSync(stateFile);
  const state: SeedState = exists ? JSON.parse(readFileSync(stateFile, 'utf8')) : { titles: {}, baseVideos: {}, done: false };
  if (state.done) return;
  if (!exists && (await m.services.catalog.countTitles()) > 0) {
    reporter.info('Catalog already has titles; not seeding demo content.');
    return;
  }
  const save = () => writeFileSync(stateFile, JSON.stringify(state, null, 2));
  save();

  reporter.info(`Seeding ${catalog.length} demo titles…`);
  for (const t of catalog) {
    if (state.titles[t.name]) continue;
    const { episodes = [], ...fields } = t;
    const created = await m.services.catalog.createTitle(fields, null);
    await m.services.catalog.setArtwork(created.id, {
      poster: { ext: 'svg', body: Buffer.from(posterSvg(t.name, t.genres?.[0] ?? '', t.year)) },
      backdrop: { ext: 'svg', body: Buffer.from(backdropSvg(t.name)) },
    });
    const episodeIds: string[] = [];
    for (const e of episodes) episodeIds.push((await m.services.catalog.addEpisode(created.id, e)).id);
    state.titles[t.name] = { id: created.id, episodes: episodeIds };
    save();
  }

  const movies = catalog.filter((t) => t.type === 'movie').map((t) => state.titles[t.name]!);
  const scratch = await mkdtemp(join(tmpdir(), 'marquee-demo-'));
  try {
    for (const [i, kind] of DEMO_KINDS.entries()) {
      if (state.baseVideos[kind]) continue;
      const target = movies[i]!;
      const source = join(scratch, `${kind}.mp4`);
      await makeDemoVideo(m.media.ffmpegPath, kind, source, { seconds: DEMO_SECONDS, onProgress: (f) => reporter.step(kind, 'generate', f * 0.3) });
      // Fixed ladder: per-title analysis of five 32 s videos would add minutes to the first start on 2 cores.
      const { jobId, videoId } = await m.services.studio.ingest({ accountId: 'system', isAdmin: true, titleId: target.id, protected: false, ladder: 'fixed', filename: `${kind}.mp4`, source: await readFile(source) });
      await m.services.studio.waitForJob(jobId, (stage, progress) => reporter.step(kind, stage, 0.3 + progress * 0.7));
      reporter.done(kind);
      state.baseVideos[kind] = videoId;
      save();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  const bases = DEMO_KINDS.map((k) => state.baseVideos[k]!);
  let n = 0;
  for (const t of catalog) {
    const ids = state.titles[t.name]!;
    const current = await m.services.catalog.studioTitle(ids.id);
    const targets = t.type === 'movie' ? (current.videoId ? [] : [{ titleId: ids.id }]) : (current.seasons ?? []).flatMap((s) => s.episodes.filter((e) => !e.videoId).map((e) => ({ titleId: ids.id, episodeId: e.id })));
    for (const target of targets) await m.services.studio.shareVideo(bases[n++ % bases.length]!, target);
  }
  state.done = true;
  save();
  reporter.info(`Demo content ready: ${catalog.length} titles, ${DEMO_KINDS.length} encoded videos.`);
}
