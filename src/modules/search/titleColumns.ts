/**
 * What ranking and filtering read about every matched title, one typed array per attribute and
 * indexed by document number. A short query can match most of the catalog; reading these compact
 * arrays instead of one object per title keeps that scan in the processor's cache.
 */
export const NO_YEAR = -32768;
const MOVIE = 0;
const SERIES = 1;
/** Genres with a dense number below this are kept as bits; the rest are looked up per title. */
export const GENRE_BITS = 32;

export interface TitleRow {
  rank: number;
  worldwide: boolean;
  year: number | null;
  type: 'movie' | 'series';
  logPopularity: number;
  genreOrds: readonly number[];
  /** Bit per length of the title's name run together (see `lengthBit`), and of its people's names. */
  nameLengths: number;
  peopleLengths: number;
  /** Bit per number of words of the name, with and without a leading article (`lengthBit`), and of its people's names. */
  nameWords: number;
  peopleWords: number;
}

export class TitleColumns {
  rank = new Uint8Array(0);
  worldwide = new Uint8Array(0);
  year = new Int16Array(0);
  series = new Uint8Array(0);
  logPopularity = new Float64Array(0);
  genreBits = new Uint32Array(0);
  /** Set when the title has a genre numbered GENRE_BITS or more. */
  genreOverflow = new Uint8Array(0);
  nameLengths = new Uint32Array(0);
  peopleLengths = new Uint32Array(0);
  nameWords = new Uint32Array(0);
  peopleWords = new Uint32Array(0);

  set(doc: number, row: TitleRow): void {
    if (doc >= this.rank.length) this.grow(Math.max(1024, doc * 2));
    this.rank[doc] = row.rank;
    this.worldwide[doc] = row.worldwide ? 1 : 0;
    this.year[doc] = row.year ?? NO_YEAR;
    this.series[doc] = row.type === 'series' ? SERIES : MOVIE;
    this.logPopularity[doc] = row.logPopularity;
    let bits = 0;
    let overflow = 0;
    for (const g of row.genreOrds) {
      if (g < GENRE_BITS) bits |= 1 << g;
      else overflow = 1;
    }
    this.genreBits[doc] = bits;
    this.genreOverflow[doc] = overflow;
    this.nameLengths[doc] = row.nameLengths;
    this.peopleLengths[doc] = row.peopleLengths;
    this.nameWords[doc] = row.nameWords;
    this.peopleWords[doc] = row.peopleWords;
  }

  isSeries(doc: number): boolean {
    return this.series[doc] === SERIES;
  }

  private grow(size: number): void {
    const copy = <T extends { length: number; set(a: T): void }>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.rank = copy(this.rank, (n) => new Uint8Array(n));
    this.worldwide = copy(this.worldwide, (n) => new Uint8Array(n));
    this.year = copy(this.year, (n) => new Int16Array(n));
    this.series = copy(this.series, (n) => new Uint8Array(n));
    this.logPopularity = copy(this.logPopularity, (n) => new Float64Array(n));
    this.genreBits = copy(this.genreBits, (n) => new Uint32Array(n));
    this.genreOverflow = copy(this.genreOverflow, (n) => new Uint8Array(n));
    this.nameLengths = copy(this.nameLengths, (n) => new Uint32Array(n));
    this.peopleLengths = copy(this.peopleLengths, (n) => new Uint32Array(n));
    this.nameWords = copy(this.nameWords, (n) => new Uint32Array(n));
    this.peopleWords = copy(this.peopleWords, (n) => new Uint32Array(n));
  }
}

/** Bit per length (lengths of 31 and more share the last bit): a superset test, never a false "no". */
export const lengthBit = (length: number): number => 1 << Math.min(length, 31);
export const hasLength = (bits: number, length: number): boolean => (bits & lengthBit(length)) !== 0;
