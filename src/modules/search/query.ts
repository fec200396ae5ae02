import { JOIN_QUALITY, SYNONYM_QUALITY, type QuerySlot, type TextIndex } from './textIndex.ts';
import { MAX_TERM_LENGTH, STOP_WORDS, synonymAt, tokenize } from './text.ts';

/** Words beyond this many are ignored (a 200-character query holds at most about this many real words). */
export const MAX_QUERY_WORDS = 12;

/** One word (or synonym phrase) of a parsed query. */
export interface SlotSpec {
  /** The folded word as typed; absent for a multi-word synonym ("science fiction"). */
  word?: string;
  /** The canonical synonym this word or phrase stands for. */
  synonym?: string;
  /** This word run together with a neighbour ("spider man" → "spiderman"), for titles written as one word. */
  joins: { term: string; prefix: boolean }[];
  /** As-you-type: the last word may be unfinished. */
  prefix: boolean;
  /** A stop word in a longer query: nice to match, not required. */
  optional: boolean;
}

/** Splits a query into slots. The last word is a prefix unless the query ends in a space or punctuation. */
export function parseQuery(q: string): SlotSpec[] {
  const tokens = tokenize(q).slice(0, MAX_QUERY_WORDS);
  if (tokens.length === 0) return [];
  const last = tokens[tokens.length - 1]!;
  const open = last.end === q.length;
  const terms = tokens.map((t) => t.term);
  const allStop = terms.every((t) => STOP_WORDS.has(t));
  const slots: SlotSpec[] = [];
  for (let i = 0; i < terms.length; ) {
    const syn = synonymAt(terms, i);
    const isLast = (syn ? i + syn.length : i + 1) === terms.length;
    if (syn && syn.length > 1) {
      slots.push({ synonym: syn.canonical, joins: [], prefix: false, optional: false });
      i += syn.length;
      continue;
    }
    const word = terms[i]!;
    slots.push({ word, ...(syn ? { synonym: syn.canonical } : {}), joins: [], prefix: isLast && open, optional: !allStop && STOP_WORDS.has(word) });
    i++;
  }
  // Neighbouring plain words also try their run-together form, for both of them.
  for (let i = 0; i + 1 < slots.length; i++) {
    const a = slots[i]!;
    const b = slots[i + 1]!;
    if (!a.word || !b.word) continue;
    const term = (a.word + b.word).slice(0, MAX_TERM_LENGTH);
    a.joins.push({ term, prefix: b.prefix });
    b.joins.push({ term, prefix: b.prefix });
  }
  return slots;
}

/** Resolves parsed slots against an index into the terms each slot may match. */
export function resolveSlots(specs: readonly SlotSpec[], index: TextIndex): QuerySlot[] {
  return specs.map((s) => {
    const slot: QuerySlot = { terms: new Map(), primaryOnly: new Set(), optional: s.optional };
    if (s.word) index.expand(s.word, s.prefix, slot);
    if (s.synonym) index.expandExact(s.synonym, false, slot, SYNONYM_QUALITY);
    for (const j of s.joins) index.expandExact(j.term, j.prefix, slot, JOIN_QUALITY);
    return slot;
  });
}

/** The query's words in order, as typed (folded); a synonym phrase counts as its canonical term. */
export const slotWords = (specs: readonly SlotSpec[]): string[] => specs.map((s) => s.word ?? s.synonym ?? '');
