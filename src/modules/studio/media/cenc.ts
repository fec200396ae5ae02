/**
 * Common Encryption ('cenc', AES-128-CTR, ISO/IEC 23001-7) of fragmented MP4 (CMAF) segments,
 * done on the packaged output. The shipped ffmpeg accepts `-encryption_scheme cenc-aes-ctr` but,
 * in fragmented output, writes the sample encryption info into the init segment's sample table
 * instead of each fragment, which no browser can play; so we encrypt the segments ourselves.
 *
 * Init segments: each sample entry becomes encv/enca with a sinf (frma, schm 'cenc', tenc with
 * the key id), and moov gets a W3C common 'pssh' naming the key id (what a ClearKey CDM reads).
 * Media segments: samples are encrypted in place (video: subsamples that leave NAL lengths,
 * headers and non-VCL NAL units clear, protected runs a multiple of 16 bytes; audio: whole
 * samples), and each traf gets senc, saiz and saio; trun data offsets and sidx sizes grow by
 * the bytes added. Pure: buffers in, buffers out.
 */
import { createCipheriv, randomBytes } from 'node:crypto';

export interface ContentKey {
  /** 16-byte key id. */
  kid: Buffer;
  /** 16-byte AES-128 key. */
  key: Buffer;
}

/** What a media segment's encryption needs to know about each track, read from the init segment. */
export interface TrackInfo {
  kind: 'video' | 'audio';
  /** Bytes of each NAL unit's length prefix (H.264/HEVC); absent: not NAL-structured. */
  nalLengthSize?: number;
  /** 'avc' or 'hevc' picks which NAL unit types are slices. */
  nal?: 'avc' | 'hevc';
}

/** The W3C "common" system id: its pssh lists key ids, which is what ClearKey reads. */
export const COMMON_SYSTEM_ID = Buffer.from('1077efecc0b24d02ace33c1e52e2fb4b', 'hex');
const IV_SIZE = 8;

interface Box {
  type: string;
  /** Bytes after the 8-byte header and before any children (fullbox fields, sample entry fields). */
  head: Buffer;
  children?: Box[];
}

/** Containers, with the bytes their own fields take before their children. */
const CONTAINER_HEAD: Record<string, number> = {
  moov: 0, trak: 0, mdia: 0, minf: 0, stbl: 0, moof: 0, traf: 0, mvex: 0, edts: 0, sinf: 0, schi: 0,
  stsd: 8,
  avc1: 78, avc3: 78, hvc1: 78, hev1: 78, vp09: 78, av01: 78, encv: 78,
  mp4a: 28, 'Opus': 28, 'ac-3': 28, 'ec-3': 28, enca: 28,
};

function parseBoxes(buf: Buffer, start = 0, end = buf.length): Box[] {
  const boxes: Box[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 8) throw new Error(`truncated box header at ${at}`);
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) throw new Error(`box ${type} at ${at} overruns its parent`);
    const headLen = CONTAINER_HEAD[type];
    if (headLen === undefined) {
      boxes.push({ type, head: buf.subarray(at + header, at + size) });
    } else {
      boxes.push({ type, head: buf.subarray(at + header, at + header + headLen), children: parseBoxes(buf, at + header + headLen, at + size) });
    }
    at += size;
  }
  return boxes;
}

const boxSize = (b: Box): number => 8 + b.head.length + (b.children ?? []).reduce((n, c) => n + boxSize(c), 0);

function writeBoxes(boxes: Box[]): Buffer {
  const parts: Buffer[] = [];
  const write = (b: Box) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(boxSize(b));
    header.write(b.type, 4, 'latin1');
    parts.push(header, b.head);
    for (const c of b.children ?? []) write(c);
  };
  boxes.forEach(write);
  return Buffer.concat(parts);
}

const leaf = (type: string, ...fields: Buffer[]): Box => ({ type, head: Buffer.concat(fields) });
const u8 = (n: number) => Buffer.from([n]);
const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };
const fullBox = (version: number, flags: number) => u32(((version & 0xff) << 24) | (flags & 0xffffff));

const child = (b: Box | undefined, type: string): Box | undefined => b?.children?.find((c) => c.type === type);
const path = (b: Box | undefined, ...types: string[]): Box | undefined => types.reduce<Box | undefined>((at, t) => child(at, t), b);

/** A W3C common pssh (version 1) naming one key id. */
export function commonPssh(kid: Buffer): Buffer {
  return writeBoxes([leaf('pssh', fullBox(1, 0), COMMON_SYSTEM_ID, u32(1), kid, u32(0))]);
}

/** Marks every track of an init segment as 'cenc'-protected by `kid` and adds the common pssh. Returns the new segment and what each track needs at media time. */
export function encryptInitSegment(init: Buffer, kid: Buffer): { segment: Buffer; tracks: Map<number, TrackInfo> } {
  if (kid.length !== 16) throw new RangeError('a key id is 16 bytes');
  const boxes = parseBoxes(init);
  const moov = boxes.find((b) => b.type === 'moov');
  if (!moov?.children) throw new Error('not an init segment: no moov');
  const tracks = new Map<number, TrackInfo>();
  for (const trak of moov.children.filter((c) => c.type === 'trak')) {
    const tkhd = child(trak, 'tkhd');
    const handler = path(trak, 'mdia', 'hdlr')?.head.toString('latin1', 8, 12);
    const stsd = path(trak, 'mdia', 'minf', 'stbl', 'stsd');
    const entry = stsd?.children?.[0];
    if (!tkhd || !entry?.children || (handler !== 'vide' && handler !== 'soun')) throw new Error('a track without a video or audio sample entry cannot be encrypted');
    const trackId = tkhd.head.readUInt32BE(tkhd.head[0] === 1 ? 20 : 12);
    const info: TrackInfo = { kind: handler === 'vide' ? 'video' : 'audio' };
    const avcC = child(entry, 'avcC');
    const hvcC = child(entry, 'hvcC');
    if (avcC) Object.assign(info, { nal: 'avc', nalLengthSize: (avcC.head[4]! & 3) + 1 });
    else if (hvcC) Object.assign(info, { nal: 'hevc', nalLengthSize: (hvcC.head[21]! & 3) + 1 });
    if (info.kind === 'audio' && entry.head.readUInt16BE(8) !== 0) throw new Error(`${entry.type} sample entry version ${entry.head.readUInt16BE(8)} is not supported`);
    const original = entry.type;
    entry.type = info.kind === 'video' ? 'encv' : 'enca';
    entry.children.push({
      type: 'sinf',
      head: Buffer.alloc(0),
      children: [
        leaf('frma', Buffer.from(original, 'latin1')),
        leaf('schm', fullBox(0, 0), Buffer.from('cenc', 'latin1'), u32(0x10000)),
        { type: 'schi', head: Buffer.alloc(0), children: [leaf('tenc', fullBox(0, 0), u8(0), u8(0), u8(1), u8(IV_SIZE), kid)] } as Box,
      ],
    });
    tracks.set(trackId, info);
  }
  moov.children = moov.children.filter((c) => c.type !== 'pssh');
  moov.children.push(parseBoxes(commonPssh(kid))[0]!);
  return { segment: writeBoxes(boxes), tracks };
}

/** NAL unit types that carry slice data (what gets encrypted). */
const isSlice = (nal: 'avc' | 'hevc', header: number): boolean => {
  if (nal === 'avc') {
    const t = header & 0x1f;
    return t >= 1 && t <= 5;
  }
  return ((header >> 1) & 0x3f) <= 31;
};

export interface Subsample {
  clear: number;
  protected: number;
}

/**
 * Clear and protected runs of one NAL-structured sample: each slice NAL unit keeps its length
 * prefix and header clear and protects the rest rounded down to whole 16-byte blocks; other NAL
 * units stay clear. Clear runs longer than a 16-bit count are split.
 */
export function nalSubsamples(sample: Buffer, nalLengthSize: number, nal: 'avc' | 'hevc'): Subsample[] {
  const headerSize = nal === 'avc' ? 1 : 2;
  const out: Subsample[] = [];
  let clear = 0;
  const flush = (protectedBytes: number) => {
    while (clear > 0xffff) {
      out.push({ clear: 0xffff, protected: 0 });
      clear -= 0xffff;
    }
    if (clear > 0 || protectedBytes > 0) out.push({ clear, protected: protectedBytes });
    clear = 0;
  };
  let at = 0;
  while (at < sample.length) {
    if (at + nalLengthSize > sample.length) throw new Error('a NAL unit length runs past the sample');
    const size = sample.readUIntBE(at, nalLengthSize);
    if (size === 0 || at + nalLengthSize + size > sample.length) throw new Error('a NAL unit runs past the sample');
    const protectedBytes = isSlice(nal, sample[at + nalLengthSize]!) ? Math.floor(Math.max(0, size - headerSize) / 16) * 16 : 0;
    clear += nalLengthSize + size - protectedBytes;
    if (protectedBytes > 0) flush(protectedBytes);
    at += nalLengthSize + size;
  }
  flush(0);
  return out;
}

/** Encrypts one sample in place with AES-128-CTR: one counter stream across its protected runs. */
function encryptSample(sample: Buffer, key: Buffer, iv: Buffer, subsamples: Subsample[] | undefined): void {
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.concat([iv, Buffer.alloc(16 - iv.length)]));
  if (!subsamples) {
    cipher.update(sample).copy(sample);
    return;
  }
  let at = 0;
  for (const s of subsamples) {
    at += s.clear;
    if (s.protected > 0) cipher.update(sample.subarray(at, at + s.protected)).copy(sample, at);
    at += s.protected;
  }
}

interface Fragment {
  moof: Box;
  /** Offset of the moof in the segment. */
  moofAt: number;
}

/**
 * Encrypts every fragment of a media segment with `key`, adding senc/saiz/saio to each traf.
 * `newIv` gives each sample its 8-byte IV (random by default).
 */
export function encryptMediaSegment(segment: Buffer, tracks: Map<number, TrackInfo>, key: Buffer, newIv: () => Buffer = () => randomBytes(IV_SIZE)): Buffer {
  if (key.length !== 16) throw new RangeError('an AES-128 key is 16 bytes');
  const out = Buffer.from(segment);
  const boxes = parseBoxes(out);
  const fragments: Fragment[] = [];
  let offset = 0;
  for (const b of boxes) {
    if (b.type === 'moof') fragments.push({ moof: b, moofAt: offset });
    offset += boxSize(b);
  }
  const growth: number[] = [];
  for (const { moof, moofAt } of fragments) {
    const before = boxSize(moof);
    const trafs = (moof.children ?? []).filter((c) => c.type === 'traf');
    if (trafs.length !== 1) throw new Error('only one track per fragment is supported');
    const traf = trafs[0]!;
    const tfhd = child(traf, 'tfhd');
    const truns = (traf.children ?? []).filter((c) => c.type === 'trun');
    if (!tfhd || truns.length !== 1) throw new Error('a fragment needs one tfhd and one trun');
    const trun = truns[0]!;
    const tf = tfhd.head.readUInt32BE(0) & 0xffffff;
    if (tf & 0x1) throw new Error('explicit base data offsets are not supported');
    const trackId = tfhd.head.readUInt32BE(4);
    const track = tracks.get(trackId);
    if (!track) throw new Error(`track ${trackId} is not in the init segment`);
    let defaultSize: number | undefined;
    {
      let at = 8;
      if (tf & 0x2) at += 4;
      if (tf & 0x8) at += 4;
      if (tf & 0x10) defaultSize = tfhd.head.readUInt32BE(at);
    }
    const rf = trun.head.readUInt32BE(0) & 0xffffff;
    if (!(rf & 0x1)) throw new Error('trun without a data offset is not supported');
    const count = trun.head.readUInt32BE(4);
    const dataOffset = trun.head.readInt32BE(8);
    const sizes: number[] = [];
    let at = 12 + (rf & 0x4 ? 4 : 0);
    for (let i = 0; i < count; i++) {
      if (rf & 0x100) at += 4;
      if (rf & 0x200) {
        sizes.push(trun.head.readUInt32BE(at));
        at += 4;
      } else if (defaultSize !== undefined) sizes.push(defaultSize);
      else throw new Error('sample sizes are neither in trun nor tfhd');
      if (rf & 0x400) at += 4;
      if (rf & 0x800) at += 4;
    }

    const entries: Buffer[] = [];
    const infoSizes: number[] = [];
    let sampleAt = moofAt + dataOffset;
    const useSubsamples = track.kind === 'video' && track.nal !== undefined;
    for (const size of sizes) {
      const sample = out.subarray(sampleAt, sampleAt + size);
      if (sample.length !== size) throw new Error('a sample runs past the segment');
      const iv = newIv();
      const subs = useSubsamples ? nalSubsamples(sample, track.nalLengthSize!, track.nal!) : undefined;
      encryptSample(sample, key, iv, subs);
      const parts = [iv];
      if (subs) {
        parts.push(u16(subs.length));
        for (const s of subs) parts.push(u16(s.clear), u32(s.protected));
      }
      const entry = Buffer.concat(parts);
      if (entry.length > 255) throw new Error('a sample has too many subsamples for saiz');
      entries.push(entry);
      infoSizes.push(entry.length);
      sampleAt += size;
    }
    const uniform = infoSizes.every((s) => s === infoSizes[0]);
    const saiz = leaf('saiz', fullBox(0, 0), u8(uniform ? (infoSizes[0] ?? 0) : 0), u32(count), uniform ? Buffer.alloc(0) : Buffer.from(infoSizes));
    const saio = leaf('saio', fullBox(0, 0), u32(1), u32(0));
    const senc = leaf('senc', fullBox(0, useSubsamples ? 0x2 : 0), u32(count), ...entries);
    traf.children!.push(saiz, saio, senc);
    const added = boxSize(moof) - before;
    trun.head.writeInt32BE(dataOffset + added, 8);
    // saio points at the first IV: past moof's children before senc, senc's header, its fullbox and sample count.
    let sencAt = 8;
    for (const c of moof.children!) {
      if (c === traf) {
        sencAt += 8 + traf.head.length;
        for (const t of traf.children!) {
          if (t === senc) break;
          sencAt += boxSize(t);
        }
        break;
      }
      sencAt += boxSize(c);
    }
    saio.head.writeUInt32BE(sencAt + 8 + 4 + 4, 8);
    growth.push(added);
  }

  const sidx = boxes.find((b) => b.type === 'sidx');
  if (sidx && growth.length > 0) {
    const h = sidx.head;
    const refsAt = 4 + 4 + 4 + (h[0] === 0 ? 8 : 16) + 2;
    const refs = h.readUInt16BE(refsAt);
    if (refs !== growth.length && refs !== 1) throw new Error(`sidx has ${refs} references for ${growth.length} fragments`);
    const total = growth.reduce((a, b) => a + b, 0);
    for (let i = 0; i < refs; i++) {
      const p = refsAt + 2 + i * 12;
      const word = h.readUInt32BE(p);
      h.writeUInt32BE((word & 0x80000000) | ((word & 0x7fffffff) + (refs === 1 ? total : growth[i]!)), p);
    }
  }
  return writeBoxes(boxes);
}
