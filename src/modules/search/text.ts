/**
 * Text analysis shared by indexing and querying: diacritic folding, tokenising with offsets into
 * the original text, a light English stemmer, stop words, synonyms and the typo budget.
 * Pure functions, no I/O.
 */

/** Letters NFKD does not decompose into a base letter plus marks. */
const SPECIAL_FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h' };
const MARKS = /\p{M}/gu;
const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Joins the parts of a word ("o'brien", "godfather's") instead of splitting it. */
const JOINERS = new Set(["'", '’', 'ʼ']);
export const MAX_TERM_LENGTH = 40;

const foldCache = new Map<string, string>();

/** One character, case- and accent-folded: "É" → "e", "ß" → "ss". */
export function foldChar(ch: string): string {
  const cached = foldCache.get(ch);
  if (cached !== undefined) return cached;
  const lower = ch.toLowerCase();
  const folded = SPECIAL_FOLDS[lower] ?? lower.normalize('NFKD').replace(MARKS, '');
  if (foldCache.size < 10_000) foldCache.set(ch, folded);
  return folded;
}

/** A whole string folded, keeping everything else as it was. */
export const fold = (text: string): string => Array.from(text, foldChar).join('');

export interface Token {
  /** The folded term. */
  term: string;
  /** Where it sits in the original text (UTF-16 offsets, end exclusive). */
  start: number;
  end: number;
  /** Word position, for phrases. */
  pos: number;
}

/** Words of the text, folded, with their spans in the original. Anything not a letter or digit separates words. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let term = '';
  let start = -1;
  let end = -1;
  const flush = () => {
    if (term) tokens.push({ term: term.length > MAX_TERM_LENGTH ? term.slice(0, MAX_TERM_LENGTH) : term, start, end, pos: tokens.length });
    term = '';
    start = -1;
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    // ASCII fast path: most catalog text is plain ASCII.
    if (c < 128) {
      const lower = c >= 65 && c <= 90 ? c + 32 : c;
      if ((lower >= 97 && lower <= 122) || (c >= 48 && c <= 57)) {
        if (start < 0) start = i;
        term += String.fromCharCode(lower);
        end = i + 1;
      } else if (!(c === 39 && term)) {
        flush();
      }
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const folded = foldChar(ch);
    if (folded === '') {
      // A combining mark on its own (decomposed input): it belongs to the letter before it.
      if (start >= 0) end = i + ch.length;
    } else if (WORD_CHAR.test(folded)) {
      if (start < 0) start = i;
      term += folded;
      end = i + ch.length;
    } else if (!(JOINERS.has(ch) && term)) {
      flush();
    }
    i += ch.length;
  }
  flush();
  return tokens;
}

export const STOP_WORDS = new Set(['a', 'an', 'and', 'the', 'of', 'in', 'on', 'at', 'to', 'for', 'by', 'with', 'is', 'it', 'its', 'or', 'as', 'from', 'into', 'his', 'her', 'their', 'who', 'that', 'this']);

const undouble = (s: string): string => (s.length > 2 && s[s.length - 1] === s[s.length - 2] && !/[lsz]/.test(s[s.length - 1]!) ? s.slice(0, -1) : s);

/**
 * A light English stemmer: plurals, -ing and -ed. Conservative on purpose; it runs on names too,
 * and both the index and the query go through it, so it only has to be consistent.
 */
export function stem(term: string): string {
  if (term.length <= 3 || /\d/.test(term)) return term;
  if (term.endsWith('ies') && term.length > 4) return `${term.slice(0, -3)}y`;
  if (term.endsWith('sses')) return term.slice(0, -2);
  if (/(ch|sh|x|zz)es$/.test(term)) return term.slice(0, -2);
  if (term.endsWith('s') && !/(ss|us|is|os)$/.test(term)) return term.slice(0, -1);
  if (term.endsWith('ing') && term.length >= 6) return undouble(term.slice(0, -3));
  if (term.endsWith('ed') && term.length >= 5 && !term.endsWith('eed')) return undouble(term.slice(0, -2));
  return term;
}

/**
 * Synonym groups. The first entry of each group is its canonical term: the index adds it wherever
 * any member occurs, and a query naming any member looks it up, so every member finds every other.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['scifi', 'sci fi', 'science fiction', 'sf'],
  ['romcom', 'rom com', 'romantic comedy'],
  ['documentary', 'documentaries', 'doc', 'docs', 'docuseries'],
  ['animation', 'animated', 'cartoon', 'cartoons'],
  ['movie', 'movies', 'film', 'films'],
  ['ww2', 'wwii', 'world war 2', 'world war ii', 'second world war'],
  ['christmas', 'xmas'],
  ['mister', 'mr'],
  ['doctor', 'dr'],
  ['saint', 'st'],
  ['thriller', 'thrillers', 'suspense'],
];

interface SynonymRule {
  words: string[];
  canonical: string;
}

/** Rules keyed by their first word, longest first so "science fiction" wins over a lone word. */
const SYNONYM_RULES: Map<string, SynonymRule[]> = (() => {
  const rules = new Map<string, SynonymRule[]>();
  for (const group of SYNONYM_GROUPS) {
    const canonical = group[0]!;
    for (const member of group) {
      const words = member.split(' ');
      if (words.length === 1 && words[0] === canonical) continue;
      const list = rules.get(words[0]!) ?? [];
      list.push({ words, canonical });
      rules.set(words[0]!, list);
    }
  }
  for (const list of rules.values()) list.sort((a, b) => b.words.length - a.words.length);
  return rules;
})();

/** The synonym rule matching the tokens at `at`, if any, and how many tokens it spans. */
export function synonymAt(terms: readonly string[], at: number): { canonical: string; length: number } | undefined {
  const rules = SYNONYM_RULES.get(terms[at]!);
  if (!rules) return undefined;
  for (const rule of rules) {
    if (rule.words.every((w, k) => terms[at + k] === w)) return { canonical: rule.canonical, length: rule.words.length };
  }
  return undefined;
}

/**
 * What the index stores for one text value: its tokens, plus the canonical synonym of any member
 * phrase, plus each pair of adjacent words run together when `joinPairs` (so "toystory" and
 * "spiderman" find "Toy Story" and "Spider-Man"). Extra tokens span the words they stand for.
 */
export function indexTokens(text: string, opts: { joinPairs: boolean; dropStopWords: boolean }): { tokens: Token[]; joined: Set<string> } {
  const base = tokenize(text);
  const terms = base.map((t) => t.term);
  const out: Token[] = [];
  const joined = new Set<string>();
  base.forEach((t, i) => {
    if (!(opts.dropStopWords && STOP_WORDS.has(t.term))) out.push(t);
    const syn = synonymAt(terms, i);
    if (syn) out.push({ term: syn.canonical, start: t.start, end: base[i + syn.length - 1]!.end, pos: t.pos });
    const next = base[i + 1];
    if (opts.joinPairs && next) {
      const term = (t.term + next.term).slice(0, MAX_TERM_LENGTH);
      joined.add(term);
      out.push({ term, start: t.start, end: next.end, pos: t.pos });
    }
  });
  return { tokens: out, joined };
}

/** Typos allowed for a word of this length: none below 5 letters, one from 5, two from 9. */
export const typoBudget = (length: number): number => (length >= 9 ? 2 : length >= 5 ? 1 : 0);

/** Control characters (C0, DEL, C1) that have no business in a search box. */
// eslint-disable-next-line no-control-regex
export const hasControlChars = (text: string): boolean => /[\u0000-\u001f\u007f-\u009f]/.test(text);
