/** Steering's choice of edges for one session: pure, so it is tested and benchmarked alone. */

export interface EdgeView {
  id: string;
  baseUrl: string;
  region: string;
  healthy: boolean;
  /** Current load, comparable across edges: active sessions reported plus sessions steered since. */
  load: number;
  capacityBytes: number;
}

export interface EdgePick<E extends EdgeView = EdgeView> {
  primary: E | undefined;
  backups: E[];
}

/**
 * Healthy edges only; the client's region first, then the least loaded (load per capacity is not
 * used: capacity is cache bytes, not throughput), then by id so equal edges always rank the same.
 * Returns the primary and up to `count - 1` backups.
 */
export function pickEdges<E extends EdgeView>(edges: readonly E[], clientRegion: string, opts: { count?: number } = {}): EdgePick<E> {
  const count = Math.max(1, opts.count ?? 3);
  const region = clientRegion.toLowerCase();
  const ranked = edges
    .filter((e) => e.healthy)
    .map((e) => ({ e, local: e.region.toLowerCase() === region ? 0 : 1 }))
    .sort((a, b) => a.local - b.local || a.e.load - b.e.load || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0))
    .slice(0, count)
    .map((r) => r.e);
  return { primary: ranked[0], backups: ranked.slice(1) };
}
