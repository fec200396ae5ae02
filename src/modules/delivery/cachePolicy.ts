/**
 * The edge cache's admission and eviction policy, with no I/O: a byte-bounded LRU with optional
 * TinyLFU admission (a newcomer that would push objects out must have been asked for more often,
 * recently, than each object it would evict; one-hit wonders then cannot flush the hot set).
 */

export type Admission = 'lru' | 'tinylfu';

export interface InsertPlan {
  admit: boolean;
  /** Keys to evict, least recently used first, to make room for the candidate. */
  evict: string[];
}

/**
 * Decides whether `candidate` goes in and what leaves. `lruOrder` lists resident entries least
 * recently used first. Objects larger than the whole cache are never admitted.
 */
export function planInsert(
  lruOrder: Iterable<{ key: string; size: number }>,
  usedBytes: number,
  capacityBytes: number,
  candidate: { key: string; size: number },
  opts: { admission: Admission; frequency?: (key: string) => number },
): InsertPlan {
  if (candidate.size > capacityBytes) return { admit: false, evict: [] };
  const evict: string[] = [];
  let free = capacityBytes - usedBytes;
  for (const entry of lruOrder) {
    if (free >= candidate.size) break;
    if (entry.key === candidate.key) continue;
    evict.push(entry.key);
    free += entry.size;
  }
  if (free < candidate.size) return { admit: false, evict: [] };
  if (opts.admission === 'tinylfu' && evict.length > 0 && opts.frequency) {
    const want = opts.frequency(candidate.key);
    if (evict.some((k) => opts.frequency!(k) >= want)) return { admit: false, evict: [] };
  }
  return { admit: true, evict };
}

/** A count-min sketch of recent request frequency (4-bit-style counters capped at 15, halved as it ages). */
export class FrequencySketch {
  private readonly rows: Uint8Array[];
  private readonly mask: number;
  private additions = 0;

  constructor(
    expectedItems: number,
    private readonly sampleSize = Math.max(16, expectedItems * 10),
  ) {
    let width = 64;
    while (width < expectedItems * 2) width *= 2;
    this.mask = width - 1;
    this.rows = Array.from({ length: 4 }, () => new Uint8Array(width));
  }

  private index(key: string, row: number): number {
    let h = (0x811c9dc5 ^ (row * 0x9e3779b1)) >>> 0;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d) >>> 0;
    h ^= h >>> 12;
    return h & this.mask;
  }

  increment(key: string): void {
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r]!;
      const i = this.index(key, r);
      if (row[i]! < 15) row[i]! += 1;
    }
    if (++this.additions >= this.sampleSize) this.age();
  }

  frequency(key: string): number {
    let min = 15;
    for (let r = 0; r < this.rows.length; r++) min = Math.min(min, this.rows[r]![this.index(key, r)]!);
    return min;
  }

  /** Halves every counter, so yesterday's hits fade. */
  private age(): void {
    for (const row of this.rows) for (let i = 0; i < row.length; i++) row[i] = row[i]! >> 1;
    this.additions = Math.floor(this.additions / 2);
  }
}

export interface CacheStats {
  entries: number;
  bytes: number;
  capacityBytes: number;
}

/** Byte-bounded cache over `planInsert`. A Map keeps insertion order, which is recency order here. */
export class ByteCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private used = 0;
  private readonly sketch: FrequencySketch;

  constructor(
    readonly capacityBytes: number,
    readonly admission: Admission = 'tinylfu',
    expectedItems = 10_000,
    /** Told of each object pushed out to make room (the edge demotes them to its disk tier). */
    private readonly onEvict?: (key: string, value: V, size: number) => void,
  ) {
    this.sketch = new FrequencySketch(expectedItems);
  }

  /** Counts one request for `key` (hit or miss) and returns the value if resident. */
  get(key: string): V | undefined {
    this.sketch.increment(key);
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Resident keys, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Whether `set` would take this object now (lets a caller skip preparing one that would be refused). */
  admits(key: string, size: number): boolean {
    const order = (function* (m: Map<string, { size: number }>) {
      for (const [k, e] of m) if (k !== key) yield { key: k, size: e.size };
    })(this.entries);
    const used = this.used - (this.entries.get(key)?.size ?? 0);
    return planInsert(order, used, this.capacityBytes, { key, size }, { admission: this.admission, frequency: (k) => this.sketch.frequency(k) }).admit;
  }

  /** Offers an object; returns whether it was admitted and which keys were evicted for it. */
  set(key: string, value: V, size: number): { admitted: boolean; evicted: string[] } {
    const existing = this.entries.get(key);
    if (existing) {
      this.entries.delete(key);
      this.used -= existing.size;
    }
    const order = (function* (m: Map<string, { size: number }>) {
      for (const [k, e] of m) yield { key: k, size: e.size };
    })(this.entries);
    const plan = planInsert(order, this.used, this.capacityBytes, { key, size }, { admission: this.admission, frequency: (k) => this.sketch.frequency(k) });
    if (!plan.admit) return { admitted: false, evicted: [] };
    for (const k of plan.evict) {
      const gone = this.entries.get(k)!;
      this.delete(k);
      this.onEvict?.(k, gone.value, gone.size);
    }
    this.entries.set(key, { value, size });
    this.used += size;
    return { admitted: true, evicted: plan.evict };
  }

  delete(key: string): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.used -= e.size;
    return true;
  }

  stats(): CacheStats {
    return { entries: this.entries.size, bytes: this.used, capacityBytes: this.capacityBytes };
  }
}
