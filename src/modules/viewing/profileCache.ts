/**
 * A per-profile memo of something built from the database (Continue Watching). A change to the
 * profile drops its entry; a build that a change overtook still answers its own caller but is not
 * kept, so the cache never holds what was read before the profile's latest change. Readers that
 * arrive while a build runs share it. An entry holds one variant (say, one viewer's country and
 * maturity); another variant, or an entry older than `ttlMs`, is built afresh.
 */
export interface ProfileCache<V> {
  get(profileId: string, variant: string, build: () => Promise<V>): Promise<V>;
  forget(profileId: string): void;
  clear(): void;
  readonly size: number;
}

export function profileCache<V>(o: { maxProfiles: number; ttlMs?: number; clock?: () => number }): ProfileCache<V> {
  const clock = o.clock ?? Date.now;
  const entries = new Map<string, { variant: string; builtAt: number; value: Promise<V> }>();
  return {
    get(profileId, variant, build) {
      const now = clock();
      const hit = entries.get(profileId);
      if (hit && hit.variant === variant && (o.ttlMs === undefined || now - hit.builtAt < o.ttlMs)) return hit.value;
      const entry = { variant, builtAt: now, value: build() };
      entries.delete(profileId);
      entries.set(profileId, entry);
      if (entries.size > o.maxProfiles) entries.delete(entries.keys().next().value!);
      entry.value.catch(() => {
        if (entries.get(profileId) === entry) entries.delete(profileId);
      });
      return entry.value;
    },
    forget: (profileId) => void entries.delete(profileId),
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
