/**
 * Prepositioning, decided without I/O: which titles' opening segments each edge should hold before
 * anyone asks. Hotter titles get more replicas (the hottest go everywhere); a title releasing soon
 * counts as the hottest, so its premiere is served from edges; each edge gives the fill at most a
 * share of its capacity, leaving the rest to what viewers actually ask for.
 */

export interface FillTitle {
  assetId: string;
  /** Relative demand, any scale (recent plays, catalog popularity). */
  popularity: number;
  /** When it becomes watchable (ms); absent: already released. */
  releaseAt?: number;
  /** Bytes one replica takes (the objects the fill pushes). */
  bytes: number;
}

export interface FillEdge {
  id: string;
  capacityBytes: number;
  /** Assets it already holds objects of. */
  holds: readonly string[];
}

export interface FillOptions {
  now: number;
  /** Releases within this window are pre-positioned (default 7 days). */
  upcomingWithinMs?: number;
  /** Share of each edge's capacity the fill may occupy (default 0.5). */
  fillShare?: number;
}

export interface EdgeFill {
  edgeId: string;
  /** Assets to push, hottest first (held ones are not repeated). */
  push: string[];
  pushBytes: number;
  /** Bytes of this edge's share the plan uses, held replicas included. */
  plannedBytes: number;
}

const DAY_MS = 86_400_000;

export function planFill(titles: readonly FillTitle[], edges: readonly FillEdge[], o: FillOptions): EdgeFill[] {
  const horizon = o.now + (o.upcomingWithinMs ?? 7 * DAY_MS);
  const share = o.fillShare ?? 0.5;
  const released = titles.filter((t) => t.releaseAt === undefined || t.releaseAt <= o.now);
  const hottest = Math.max(0, ...released.map((t) => t.popularity));
  const scored = titles
    .filter((t) => t.releaseAt === undefined || t.releaseAt <= horizon)
    .map((t) => {
      const upcoming = t.releaseAt !== undefined && t.releaseAt > o.now;
      return { t, upcoming, score: upcoming ? Math.max(hottest, t.popularity, 1) : t.popularity };
    })
    .sort((a, b) => b.score - a.score || Number(b.upcoming) - Number(a.upcoming) || (a.t.assetId < b.t.assetId ? -1 : a.t.assetId > b.t.assetId ? 1 : 0));
  const top = scored[0]?.score ?? 0;

  const state = edges.map((e) => ({ e, budget: Math.floor(e.capacityBytes * share), planned: 0, push: [] as string[], pushBytes: 0, holds: new Set(e.holds) }));
  for (const { t, score } of scored) {
    // Titles nobody has watched yet still get one copy when there is room.
    const replicas = Math.min(edges.length, top > 0 ? Math.max(1, Math.ceil((edges.length * score) / top)) : 1);
    // Edges already holding it first (no transfer), then the most room left, then by id.
    const candidates = state
      .filter((s) => s.budget - s.planned >= t.bytes)
      .sort((a, b) => Number(b.holds.has(t.assetId)) - Number(a.holds.has(t.assetId)) || b.budget - b.planned - (a.budget - a.planned) || (a.e.id < b.e.id ? -1 : 1))
      .slice(0, replicas);
    for (const s of candidates) {
      s.planned += t.bytes;
      if (!s.holds.has(t.assetId)) {
        s.push.push(t.assetId);
        s.pushBytes += t.bytes;
      }
    }
  }
  return state.map((s) => ({ edgeId: s.e.id, push: s.push, pushBytes: s.pushBytes, plannedBytes: s.planned }));
}
