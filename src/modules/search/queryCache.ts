/**
 * Work done for broad queries (a short prefix like "th" matches most of the catalog), kept until
 * a change to the index could alter it. Each entry remembers the terms its query resolved to: a
 * title holding none of them cannot be among its matches, so publishing, changing or withdrawing
 * it leaves the entry as it is. Changes that alter how queries resolve (a term appearing or
 * disappearing) or how every title scores (a new most popular title) clear everything.
 * Least recently used entries go first once `capacity` is reached.
 */
export class QueryCache<V> {
  private readonly entries = new Map<string, { value: V; terms: ReadonlySet<string> }>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, terms: ReadonlySet<string>): void {
    this.entries.delete(key);
    this.entries.set(key, { value, terms });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets every entry a document holding any of `terms` could change. */
  forgetTerms(terms: Iterable<string>): void {
    const changed = new Set(terms);
    if (changed.size === 0) return;
    for (const [key, entry] of this.entries) {
      for (const t of entry.terms) {
        if (changed.has(t)) {
          this.entries.delete(key);
          break;
        }
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
