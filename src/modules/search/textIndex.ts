import { STOP_WORDS, indexTokens, stem, typoBudget } from './text.ts';
import { Vocabulary } from './vocabulary.ts';

/**
 * A generic in-memory inverted index over documents made of weighted fields. It knows nothing of
 * titles: the search engine builds one for titles and one for people and genres. Documents are
 * numbered as they are added; removing one leaves a tombstone (its postings are skipped) until
 * the owner rebuilds.
 */
export interface FieldSpec {
  name: string;
  weight: number;
  /** Primary fields are the ones as-you-type suggestions and very short prefixes look at. */
  primary: boolean;
  /** Index adjacent words run together as well ("toystory"), for queries missing a space. */
  joinPairs: boolean;
  /** Leave out "the", "of" and friends (long prose only; names keep them). */
  dropStopWords: boolean;
}

interface Postings {
  /** doc * 8 + field, for primary and secondary fields. */
  primary: number[];
  secondary: number[];
  /** Live documents holding the term. */
  df: number;
}

/** One word of the query: the terms that stand for it and how good a match each is (0..1]. */
export interface QuerySlot {
  terms: Map<string, number>;
  /** Completions of a short unfinished word: looked up in primary fields only. */
  primaryOnly: Set<string>;
  /** Stop words may go unmatched without costing coverage. */
  optional: boolean;
}

/** Documents a query matched, as parallel arrays (entry i is one document); `count` entries are filled. */
export interface Matches {
  count: number;
  doc: Int32Array;
  /** Sum over slots of the best field weight times match quality. */
  text: Float64Array;
  /** Required slots matched. */
  coverage: Uint8Array;
  /** Bit i set when field i matched some slot. */
  fields: Uint8Array;
  /** Per field group of the query (where name bonuses are earned): bit s set when slot s matched in that group. */
  groupSlots: Uint32Array[];
}

/** How good a match a term is for the typed word. */
export const TYPO_QUALITY = [1, 0.7, 0.45] as const;
export const STEM_QUALITY = 0.9;
export const SYNONYM_QUALITY = 0.95;
export const JOIN_QUALITY = 0.9;
export const prefixQuality = (typed: number, termLength: number, distance: number): number =>
  (0.55 + 0.35 * Math.min(1, typed / termLength)) * (TYPO_QUALITY[distance] ?? 0.3);

const MAX_FIELDS = 8;
const MAX_GROUPS = 2;
const FIELD_BITS = 3;
const FIELD_MASK = MAX_FIELDS - 1;
const MAX_EXPANSIONS = 80;
/** Unfinished words shorter than this complete against primary fields only (names, people, genres). */
const SHORT_PREFIX = 4;

export class TextIndex {
  private readonly postings = new Map<string, Postings>();
  private readonly stems = new Map<string, Set<string>>();
  private readonly vocab = new Vocabulary();
  /** Run-together word pairs: real matches, but never offered as a spelling correction. */
  private readonly joined = new Set<string>();
  private readonly docTerms: (string[] | null)[] = [];
  private live = 0;
  private termsChanged = 0;
  private buffers = {
    total: new Float64Array(0),
    best: new Float32Array(0),
    coverage: new Uint8Array(0),
    seen: new Uint8Array(0),
    fields: new Uint8Array(0),
    groupSlots: [new Uint32Array(0), new Uint32Array(0)],
    inGroups: new Uint8Array(0),
    touched: new Int32Array(0),
    slotDocs: new Int32Array(0),
  };
  private readonly weights: Float64Array;
  /** Per field, bit g set when the field is in group g of the current search. */
  private readonly fieldGroups = new Uint8Array(MAX_FIELDS);

  constructor(readonly fields: readonly FieldSpec[]) {
    if (fields.length > MAX_FIELDS) throw new Error(`At most ${MAX_FIELDS} fields`);
    this.weights = Float64Array.from(fields, (f) => f.weight);
  }

  get liveCount(): number {
    return this.live;
  }
  get docCount(): number {
    return this.docTerms.length;
  }
  get termCount(): number {
    return this.vocab.size;
  }

  /** Changes whenever a term starts or stops being held by some live document (queries may then resolve differently). */
  get termSetVersion(): number {
    return this.termsChanged;
  }

  /** The distinct terms of a live document. */
  termsOf(doc: number): readonly string[] {
    return this.docTerms[doc] ?? [];
  }

  isLive(doc: number): boolean {
    return this.docTerms[doc] != null;
  }

  /** Adds a document: for each field (in `fields` order), its values. Returns its number. */
  add(values: readonly (readonly string[])[]): number {
    const doc = this.docTerms.length;
    const distinct = new Set<string>();
    values.forEach((list, field) => {
      const spec = this.fields[field]!;
      const seen = new Set<string>();
      for (const value of list) {
        const { tokens, joined } = indexTokens(value, spec);
        for (const t of joined) this.joined.add(t);
        for (const t of tokens) seen.add(t.term);
      }
      for (const term of seen) {
        let p = this.postings.get(term);
        if (!p) {
          p = { primary: [], secondary: [], df: 0 };
          this.postings.set(term, p);
          this.vocab.add(term);
          const s = stem(term);
          const group = this.stems.get(s) ?? new Set<string>();
          group.add(term);
          this.stems.set(s, group);
        }
        (spec.primary ? p.primary : p.secondary).push((doc << FIELD_BITS) | field);
        distinct.add(term);
      }
    });
    for (const term of distinct) if (this.postings.get(term)!.df++ === 0) this.termsChanged++;
    this.docTerms.push([...distinct]);
    this.live++;
    return doc;
  }

  remove(doc: number): void {
    const terms = this.docTerms[doc];
    if (!terms) return;
    for (const term of terms) if (--this.postings.get(term)!.df === 0) this.termsChanged++;
    this.docTerms[doc] = null;
    this.live--;
  }

  /** Live documents holding the term. */
  df(term: string): number {
    return this.postings.get(term)?.df ?? 0;
  }

  /** Terms that may stand for a typed word: itself, its stem-mates, typo neighbours and, when `prefix`, completions. */
  expand(word: string, prefix: boolean, slot: QuerySlot = { terms: new Map(), primaryOnly: new Set(), optional: false }, scale = 1): QuerySlot {
    const short = word.length < SHORT_PREFIX;
    const put = (term: string, quality: number, completion: boolean) => {
      const q = quality * scale;
      if (this.df(term) === 0 || q <= (slot.terms.get(term) ?? 0)) return;
      slot.terms.set(term, q);
      if (completion && short) slot.primaryOnly.add(term);
      else slot.primaryOnly.delete(term);
    };
    put(word, 1, false);
    for (const t of this.stems.get(stem(word)) ?? []) put(t, STEM_QUALITY, false);
    const budget = typoBudget(word.length);
    if (budget === 0 && prefix) {
      // Run-together pairs add nothing to a short prefix: their first word already completes it.
      for (const t of this.vocab.withPrefix(word, MAX_EXPANSIONS * 2)) if (!this.joined.has(t)) put(t, prefixQuality(word.length, t.length, 0), true);
    } else if (budget > 0) {
      for (const m of this.vocab.fuzzy(word, budget, { prefix, limit: MAX_EXPANSIONS })) {
        put(m.term, m.prefix ? prefixQuality(word.length, m.term.length, m.distance) : TYPO_QUALITY[m.distance]!, m.prefix);
      }
    }
    return slot;
  }

  /** A term as is, and its completions when `prefix`: no typos (for run-together word pairs). */
  expandExact(term: string, prefix: boolean, slot: QuerySlot, scale: number): void {
    const put = (t: string, quality: number) => {
      if (this.df(t) > 0 && quality * scale > (slot.terms.get(t) ?? 0)) slot.terms.set(t, quality * scale);
    };
    put(term, 1);
    if (prefix) for (const t of this.vocab.withPrefix(term, 20)) put(t, prefixQuality(term.length, t.length, 0));
  }

  /** The likeliest intended word for one that matches nothing, or undefined. */
  correct(word: string): string | undefined {
    if (this.df(word) > 0 || word.length < 3 || STOP_WORDS.has(word)) return undefined;
    const budget = Math.max(1, typoBudget(word.length) + (word.length >= 5 ? 1 : 0));
    let best: { term: string; distance: number; df: number } | undefined;
    for (const m of this.vocab.fuzzy(word, Math.min(2, budget), { prefix: false, limit: 200 })) {
      if (this.joined.has(m.term)) continue;
      const df = this.df(m.term);
      if (df === 0) continue;
      if (!best || m.distance < best.distance || (m.distance === best.distance && df > best.df)) best = { term: m.term, distance: m.distance, df };
    }
    return best?.term;
  }

  private ensureBuffers(): void {
    const n = this.docTerms.length;
    if (this.buffers.total.length >= n) return;
    const size = Math.max(1024, n * 2);
    this.buffers = {
      total: new Float64Array(size),
      best: new Float32Array(size),
      coverage: new Uint8Array(size),
      seen: new Uint8Array(size),
      fields: new Uint8Array(size),
      groupSlots: [new Uint32Array(size), new Uint32Array(size)],
      inGroups: new Uint8Array(size),
      touched: new Int32Array(size),
      slotDocs: new Int32Array(size),
    };
  }

  /**
   * Documents matching at least `minCoverage` required slots, with their text score and coverage. `primaryOnly`
   * skips long-text fields (suggestions, one- and two-letter prefixes). `accept` filters early. `groups` (up to
   * two, each a bit per field) say where each slot matched, in `groupSlots`.
   */
  search(slots: readonly QuerySlot[], opts: { primaryOnly: boolean; minCoverage: number; accept: (doc: number) => boolean; groups?: readonly number[] }): Matches {
    this.ensureBuffers();
    const { total, coverage, seen, fields, groupSlots, inGroups, touched, slotDocs } = this.buffers;
    const groups = (opts.groups ?? []).slice(0, MAX_GROUPS);
    for (let f = 0; f < MAX_FIELDS; f++) this.fieldGroups[f] = groups.reduce((bits, mask, g) => bits | (((mask >> f) & 1) << g), 0);
    const [slotsA, slotsB] = groupSlots as [Uint32Array, Uint32Array];
    let touchedCount = 0;
    const slotCount = Math.min(slots.length, 32);
    for (let s = 0; s < slotCount; s++) {
      const slot = slots[s]!;
      let n = 0;
      for (const [term, quality] of slot.terms) {
        const p = this.postings.get(term);
        if (!p || p.df === 0) continue;
        n = this.scan(p.primary, quality, n);
        if (!opts.primaryOnly && !slot.primaryOnly.has(term)) n = this.scan(p.secondary, quality, n);
      }
      const { best } = this.buffers;
      const bit = 1 << s;
      for (let i = 0; i < n; i++) {
        const doc = slotDocs[i]!;
        if (!seen[doc]) {
          seen[doc] = 1;
          touched[touchedCount++] = doc;
        }
        total[doc] = total[doc]! + best[doc]!;
        if (!slot.optional) coverage[doc] = coverage[doc]! + 1;
        const inGroup = inGroups[doc]!;
        if (inGroup & 1) slotsA[doc] = slotsA[doc]! | bit;
        if (inGroup & 2) slotsB[doc] = slotsB[doc]! | bit;
        best[doc] = 0;
        inGroups[doc] = 0;
      }
    }
    const out: Matches = {
      count: 0,
      doc: new Int32Array(touchedCount),
      text: new Float64Array(touchedCount),
      coverage: new Uint8Array(touchedCount),
      fields: new Uint8Array(touchedCount),
      groupSlots: groups.map(() => new Uint32Array(touchedCount)),
    };
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i]!;
      if (coverage[doc]! >= opts.minCoverage && opts.accept(doc)) {
        const j = out.count++;
        out.doc[j] = doc;
        out.text[j] = total[doc]!;
        out.coverage[j] = coverage[doc]!;
        out.fields[j] = fields[doc]!;
        for (let g = 0; g < groups.length; g++) out.groupSlots[g]![j] = groupSlots[g]![doc]!;
      }
      total[doc] = 0;
      fields[doc] = 0;
      coverage[doc] = 0;
      seen[doc] = 0;
      slotsA[doc] = 0;
      slotsB[doc] = 0;
    }
    return out;
  }

  /** One postings list into the current slot: best weight per document; returns the slot's new document count. */
  private scan(list: readonly number[], quality: number, count: number): number {
    const { best, fields, inGroups, slotDocs } = this.buffers;
    const { weights, fieldGroups } = this;
    let n = count;
    for (let k = 0; k < list.length; k++) {
      const posting = list[k]!;
      const doc = posting >>> FIELD_BITS;
      const field = posting & FIELD_MASK;
      const had = best[doc]!;
      if (had === 0) {
        if (this.docTerms[doc] == null) continue;
        slotDocs[n++] = doc;
      }
      fields[doc] = fields[doc]! | (1 << field);
      inGroups[doc] = inGroups[doc]! | fieldGroups[field]!;
      const w = weights[field]! * quality;
      if (w > had) best[doc] = w;
    }
    return n;
  }
}
