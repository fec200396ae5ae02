/**
 * Does a file start like a media container? ffprobe picks its demuxer partly from the file
 * extension, so random bytes named `.mp4` and a truncated real MP4 fail with the very same
 * "moov atom not found". The first bytes tell them apart: a damaged container is
 * `media_corrupt`, anything else is `not_a_video`.
 */

/** Box types that can open an ISO BMFF file (MP4, MOV, 3GP, CMAF). */
const ISO_BMFF_FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'styp']);

/** How many leading bytes `looksLikeMediaContainer` needs to see. */
export const SNIFF_BYTES = 512;

export function looksLikeMediaContainer(head: Uint8Array): boolean {
  const ascii = (start: number, end: number) => String.fromCharCode(...head.subarray(start, end));
  const startsWith = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);

  if (head.length >= 8 && ISO_BMFF_FIRST_BOXES.has(ascii(4, 8))) return true;
  if (startsWith(0x1a, 0x45, 0xdf, 0xa3)) return true; // EBML: Matroska, WebM
  if (ascii(0, 4) === 'RIFF' && ['AVI ', 'AVIX'].includes(ascii(8, 12))) return true;
  if (ascii(0, 4) === 'OggS') return true;
  if (ascii(0, 3) === 'FLV') return true;
  if (startsWith(0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11)) return true; // ASF, WMV
  if (startsWith(0x00, 0x00, 0x01, 0xba)) return true; // MPEG program stream
  if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47) return true; // MPEG-TS (188-byte packets)
  if (head.length >= 193 && head[4] === 0x47 && head[192] === 0x47) return true; // M2TS (192-byte packets)
  return false;
}
