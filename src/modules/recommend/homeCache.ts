/**
 * Precomputed home pages per profile: an LRU with a time to live. A profile can have a few entries
 * (one per device type and time of day it opens the app in); invalidating the profile drops them all.
 */
export class HomeCache<T> {
  private readonly profiles = new Map<string, Map<string, { value: T; expiresAt: number }>>();

  constructor(private readonly maxProfiles: number, private readonly ttlMs: number, private readonly clock: () => number = Date.now) {}

  get(profileId: string, contextKey: string): T | undefined {
    const entries = this.profiles.get(profileId);
    const hit = entries?.get(contextKey);
    if (!entries || !hit) return undefined;
    if (hit.expiresAt <= this.clock()) {
      entries.delete(contextKey);
      return undefined;
    }
    // Most recently used moves to the back of the eviction order.
    this.profiles.delete(profileId);
    this.profiles.set(profileId, entries);
    return hit.value;
  }

  set(profileId: string, contextKey: string, value: T): void {
    let entries = this.profiles.get(profileId);
    if (entries) this.profiles.delete(profileId);
    else entries = new Map();
    entries.set(contextKey, { value, expiresAt: this.clock() + this.ttlMs });
    this.profiles.set(profileId, entries);
    while (this.profiles.size > this.maxProfiles) this.profiles.delete(this.profiles.keys().next().value!);
  }

  invalidate(profileId: string): void {
    this.profiles.delete(profileId);
  }

  clear(): void {
    this.profiles.clear();
  }

  get size(): number {
    return this.profiles.size;
  }
}
