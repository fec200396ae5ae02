/**
 * The fill job: plans prepositioning from demand and the steering registry (planFill), then has each
 * edge pull its list from the origin through a signed /admin/fill request. Only segments are pushed
 * (manifests are tailored per session by the origin); the URLs are signed for a short-lived
 * pseudo-session, so the origin serves them like any player's.
 */
import type { Logger } from 'pino';
import type { JobContext } from '../../platform/jobs/index.ts';
import { readObjectText, type ObjectStore } from '../../platform/objects/index.ts';
import { mediaPathPrefix } from '../playback/index.ts';
import { signFillRequest } from './fillRequest.ts';
import { type EdgeFill, planFill } from './fillPlan.ts';
import { openingSegments } from './mpd.ts';
import type { SteeringService } from './steering.ts';

export const FILL_JOB = 'delivery.fill';

/** A title's video as the fill sees it. */
export interface FillCandidate {
  assetId: string;
  /** The packaged MPD's file name under `videos/<assetId>/`. */
  dashFile: string;
  popularity: number;
  releaseAt?: number;
}

export interface FillJobDeps {
  steering: SteeringService;
  objects: ObjectStore;
  candidates(): Promise<FillCandidate[]>;
  secret: string;
  log: Logger;
  /** Media segments per representation to preposition (default 5). */
  segmentsPerRendition?: number;
  clock?: () => number;
}

export interface FillRunResult {
  edges: (EdgeFill & { outcome: { requested: number; fetched: number; alreadyCached: number; failed: number; bytes: number } | { error: string } })[];
}

const FILL_URL_TTL_SEC = 3600;

export async function runFill(d: FillJobDeps): Promise<FillRunResult> {
  const now = (d.clock ?? Date.now)();
  const edges = d.steering.list().filter((e) => e.healthy);
  const files = new Map<string, string[]>();
  const titles = [];
  for (const c of await d.candidates()) {
    const mpd = await readIfStored(d.objects, `videos/${c.assetId}/${c.dashFile}`);
    if (!mpd) continue;
    let bytes = 0;
    const present: string[] = [];
    for (const f of openingSegments(mpd, d.segmentsPerRendition ?? 5)) {
      const info = await d.objects.stat(`videos/${c.assetId}/${f}`);
      if (!info) continue;
      present.push(f);
      bytes += info.size;
    }
    if (present.length === 0) continue;
    files.set(c.assetId, present);
    titles.push({ assetId: c.assetId, popularity: c.popularity, bytes, ...(c.releaseAt !== undefined ? { releaseAt: c.releaseAt } : {}) });
  }
  const plan = planFill(titles, edges, { now });
  const expiresAtSec = Math.floor(now / 1000) + FILL_URL_TTL_SEC;
  const result: FillRunResult = { edges: [] };
  await Promise.all(
    plan.map(async (p) => {
      const edge = edges.find((e) => e.id === p.edgeId)!;
      const paths = p.push.flatMap((assetId) => files.get(assetId)!.map((f) => `${mediaPathPrefix(d.secret, { playbackId: 'fill', assetId, expiresAtSec })}/${f}`));
      if (paths.length === 0) return void result.edges.push({ ...p, outcome: { requested: 0, fetched: 0, alreadyCached: 0, failed: 0, bytes: 0 } });
      try {
        const res = await fetch(`${edge.baseUrl}/admin/fill`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(signFillRequest(d.secret, paths, now)),
          signal: AbortSignal.timeout(10 * 60_000),
        });
        if (!res.ok) throw new Error(`edge answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
        result.edges.push({ ...p, outcome: (await res.json()) as { requested: number; fetched: number; alreadyCached: number; failed: number; bytes: number } });
      } catch (err) {
        d.log.warn({ edge: p.edgeId, err: (err as Error).message }, 'fill: edge did not take its list');
        result.edges.push({ ...p, outcome: { error: (err as Error).message } });
      }
    }),
  );
  result.edges.sort((a, b) => (a.edgeId < b.edgeId ? -1 : 1));
  d.log.info({ edges: result.edges.map((e) => ({ edge: e.edgeId, titles: e.push.length, bytes: e.pushBytes })) }, 'fill run done');
  return result;
}

async function readIfStored(objects: ObjectStore, key: string): Promise<string | undefined> {
  if (!(await objects.stat(key))) return undefined;
  return readObjectText(objects, key);
}

export function fillJob(d: FillJobDeps) {
  return async (_payload: unknown, ctx: JobContext): Promise<FillRunResult> => {
    await ctx.reportProgress('planning', 0);
    return runFill(d);
  };
}
