/**
 * Title summaries as one kind of viewer (country and rating band) may see them, kept for a short
 * while: a home page shows ~300 titles, and reading them from the catalog for every page build and
 * every live row was most of a page's cost. A title the viewer may not see is remembered as such
 * (null), so it is not asked for again. The whole cache is dropped when it expires or the catalog
 * changes, so it is never staler than the title facts ranking already reads.
 */
export class SummaryCache<T extends { id: string }> {
  private readonly byViewer = new Map<string, Map<string, T | null>>();
  private startedAt: number;

  constructor(private readonly ttlMs: number, private readonly clock: () => number = Date.now) {
    this.startedAt = clock();
  }

  /** The visible titles among `ids`, in their order, asking `load` only for those not known yet. */
  async get(viewerKey: string, ids: readonly string[], load: (missing: string[]) => Promise<T[]>): Promise<Map<string, T>> {
    if (this.clock() - this.startedAt >= this.ttlMs) this.clear();
    let known = this.byViewer.get(viewerKey);
    if (!known) this.byViewer.set(viewerKey, (known = new Map()));
    const missing = [...new Set(ids.filter((id) => !known.has(id)))];
    if (missing.length > 0) {
      const generation = this.startedAt;
      const loaded = new Map((await load(missing)).map((t) => [t.id, t]));
      // A clear while loading means the catalog changed: what was just read may already be stale.
      if (generation === this.startedAt) for (const id of missing) known.set(id, loaded.get(id) ?? null);
      return pick(ids, (id) => loaded.get(id) ?? known.get(id));
    }
    return pick(ids, (id) => known.get(id));
  }

  clear(): void {
    this.byViewer.clear();
    this.startedAt = this.clock();
  }
}

function pick<T>(ids: readonly string[], find: (id: string) => T | null | undefined): Map<string, T> {
  const out = new Map<string, T>();
  for (const id of ids) {
    const t = find(id);
    if (t) out.set(id, t);
  }
  return out;
}
