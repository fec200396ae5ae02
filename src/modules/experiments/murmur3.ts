/**
 * MurmurHash3 x86_32 over the UTF-8 bytes of a string: the same value every other
 * implementation (Java/Guava, Python mmh3, Go spaolacci/murmur3) gives, so allocation is
 * stable across processes, machines and languages. Pure; no allocation for ASCII input.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const encoder = new TextEncoder();

export function murmur3_32(key: string, seed = 0): number {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) > 0x7f) return murmur3Bytes(encoder.encode(key), seed);
  return murmur3Ascii(key, seed);
}

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function murmur3Ascii(s: string, seed: number): number {
  const n = s.length;
  const blocks = n & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) {
    h = mixH(h, s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24));
  }
  let k = 0;
  switch (n & 3) {
    case 3:
      k ^= s.charCodeAt(blocks + 2) << 16;
    // falls through
    case 2:
      k ^= s.charCodeAt(blocks + 1) << 8;
    // falls through
    case 1:
      k ^= s.charCodeAt(blocks);
      h ^= mixK(k);
  }
  return finish(h, n);
}

export function murmur3Bytes(b: Uint8Array, seed = 0): number {
  const n = b.length;
  const blocks = n & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocks; i += 4) h = mixH(h, b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
  let k = 0;
  switch (n & 3) {
    case 3:
      k ^= b[blocks + 2]! << 16;
    // falls through
    case 2:
      k ^= b[blocks + 1]! << 8;
    // falls through
    case 1:
      k ^= b[blocks]!;
      h ^= mixK(k);
  }
  return finish(h, n);
}
