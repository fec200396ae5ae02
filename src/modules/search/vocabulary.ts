import { damerauLevenshtein } from './distance.ts';

/**
 * The set of indexed terms as a trie, for exact, prefix and typo-tolerant lookups. A fuzzy lookup
 * walks the trie carrying one row of the Damerau-Levenshtein table per level, and stops going
 * down a branch as soon as every cell of the row exceeds the budget, so it visits a small part
 * of the vocabulary instead of comparing against every term.
 */
interface Node {
  children: Map<string, Node> | null;
  /** The term ending here, when one does. */
  term: string | null;
}

export interface TermMatch {
  term: string;
  /** Edits between the query word and the term (or, for prefix matches, the term's start). */
  distance: number;
  /** Whether the query word matched only the start of the term. */
  prefix: boolean;
}

const newNode = (): Node => ({ children: null, term: null });
const CACHED_COMPLETIONS = 100;

export class Vocabulary {
  private readonly root = newNode();
  private count = 0;
  /** Completions of very short prefixes are asked for on every keystroke and are costly to list. */
  private readonly shortPrefixes = new Map<string, string[]>();

  get size(): number {
    return this.count;
  }

  add(term: string): void {
    let node = this.root;
    for (const ch of term) {
      node.children ??= new Map();
      let next = node.children.get(ch);
      if (!next) {
        next = newNode();
        node.children.set(ch, next);
      }
      node = next;
    }
    if (node.term === null) {
      this.count++;
      for (let n = 1; n <= Math.min(3, term.length); n++) this.shortPrefixes.delete(term.slice(0, n));
    }
    node.term = term;
  }

  has(term: string): boolean {
    return this.find(term)?.term === term;
  }

  private find(prefix: string): Node | undefined {
    let node: Node | undefined = this.root;
    for (const ch of prefix) {
      node = node.children?.get(ch);
      if (!node) return undefined;
    }
    return node;
  }

  /** Terms starting with `prefix` (itself included when it is a term), at most `limit`, shortest first. */
  withPrefix(prefix: string, limit: number): string[] {
    if (prefix.length > 3) return this.listPrefix(prefix, limit);
    let cached = this.shortPrefixes.get(prefix);
    if (!cached || (cached.length < limit && cached.length === CACHED_COMPLETIONS)) {
      cached = this.listPrefix(prefix, Math.max(limit, CACHED_COMPLETIONS));
      if (this.shortPrefixes.size > 20_000) this.shortPrefixes.clear();
      this.shortPrefixes.set(prefix, cached);
    }
    return cached.length > limit ? cached.slice(0, limit) : cached;
  }

  private listPrefix(prefix: string, limit: number): string[] {
    const start = this.find(prefix);
    if (!start) return [];
    // Breadth-first, so the cap keeps the shortest completions, which are the likeliest ones.
    const out: string[] = [];
    let level: Node[] = [start];
    while (level.length && out.length < limit) {
      const next: Node[] = [];
      for (const node of level) {
        if (node.term !== null) {
          out.push(node.term);
          if (out.length >= limit) break;
        }
        if (node.children) for (const child of node.children.values()) next.push(child);
      }
      level = next;
    }
    return out;
  }

  /**
   * Terms within `maxDistance` edits of `word`; with `prefix`, also terms whose start is within
   * `maxDistance` of it (as-you-type). At most `limit` matches: whole words first, closest first. The first letter
   * is trusted, or taken to be swapped with the second (as editors like Lucene do), which keeps
   * the walk to a small part of the trie.
   */
  fuzzy(word: string, maxDistance: number, opts: { prefix: boolean; limit: number }): TermMatch[] {
    const chars = Array.from(word);
    const m = chars.length;
    if (m === 0) return [];
    const maxDepth = Math.min(m + maxDistance, 64);
    const rows = Array.from({ length: maxDepth + 1 }, () => new Int32Array(m + 1));
    for (let j = 0; j <= m; j++) rows[0]![j] = j;
    const path = new Array<string>(maxDepth + 1);
    const found = new Map<string, TermMatch>();
    let budget = opts.limit * 4;
    const consider = (term: string, distance: number, prefix: boolean) => {
      const had = found.get(term);
      if (!had) {
        budget--;
        found.set(term, { term, distance, prefix });
      } else if (distance < had.distance || (distance === had.distance && had.prefix && !prefix)) {
        found.set(term, { term, distance, prefix });
      }
    };
    // Every term below a node whose path is within budget of the whole word is a completion.
    const takeSubtree = (node: Node, distance: number) => {
      if (budget <= 0) return;
      if (node.term !== null) consider(node.term, distance, true);
      if (node.children) for (const child of node.children.values()) takeSubtree(child, distance);
    };
    const walk = (node: Node, depth: number, prefixDistance: number) => {
      const ch = path[depth]!;
      const prevCh = depth > 1 ? path[depth - 1]! : '';
      const prev = rows[depth - 1]!;
      const prev2 = depth > 1 ? rows[depth - 2]! : null;
      const row = rows[depth]!;
      row[0] = depth;
      let rowMin = depth;
      for (let j = 1; j <= m; j++) {
        const cj = chars[j - 1];
        let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (cj === ch ? 0 : 1));
        if (prev2 && j > 1 && cj === prevCh && chars[j - 2] === ch) d = Math.min(d, prev2[j - 2]! + 1);
        row[j] = d;
        if (d < rowMin) rowMin = d;
      }
      const whole = row[m]!;
      if (node.term !== null && whole <= maxDistance) consider(node.term, whole, false);
      const pd = Math.min(prefixDistance, whole);
      if (opts.prefix && node.term !== null && pd <= maxDistance) consider(node.term, pd, true);
      if (rowMin > maxDistance || depth >= maxDepth || !node.children) {
        // Deeper cannot get closer; as-you-type, everything below is a completion at `pd`.
        if (opts.prefix && pd <= maxDistance && node.children) for (const child of node.children.values()) takeSubtree(child, pd);
        return;
      }
      for (const [c, child] of node.children) {
        if (budget <= 0) return;
        path[depth + 1] = c;
        walk(child, depth + 1, pd);
      }
    };
    for (const first of new Set([chars[0]!, ...(m > 1 ? [chars[1]!] : [])])) {
      const child = this.root.children?.get(first);
      if (!child) continue;
      path[1] = first;
      walk(child, 1, Infinity);
    }
    // Whole words (exact or with typos) before completions: a cap must not trade "brando" for "brandonkim".
    return [...found.values()].sort((a, b) => Number(a.prefix) - Number(b.prefix) || a.distance - b.distance || a.term.length - b.term.length || (a.term < b.term ? -1 : 1)).slice(0, opts.limit);
  }
}

/** Checks one pair directly; the trie walk and this agree (the tests hold them to it). */
export const withinTypos = (a: string, b: string, max: number): boolean => damerauLevenshtein(a, b, max) <= max;
