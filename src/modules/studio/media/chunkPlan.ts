/**
 * Where a chunked ladder encode cuts the source. Pure: table-tested.
 *
 * Chunks start and end on segment boundaries (multiples of segmentSec). Every rung gets a forced
 * keyframe there anyway, so a chunk that starts its encoders afresh at its first frame puts its
 * keyframes exactly where a single whole-file encode would: the concatenated chunks keep the
 * same segment layout, aligned across rungs. Each chunk is a whole number of segments.
 *
 * Boundaries do not chase scene cuts: a chunk boundary is already an IDR in every rung, so a
 * scene cut there would only hide the rate-control restart, and the pipeline has no scene
 * detection whose results could be passed in.
 */

export interface ChunkSpan {
  /** 0-based, in source order. */
  index: number;
  startSec: number;
  /** null for the last chunk: it runs to the end of the source, whatever the probe said its length was. */
  durationSec: number | null;
}

export interface ChunkPlanInput {
  durationSec: number;
  segmentSec: number;
  /** Aimed-at chunk length; rounded to whole segments (default 30 s). */
  targetChunkSec?: number;
  /**
   * Fewest chunks when the source has at least that many segments (default 2): short clips are
   * still split, so tests on a few seconds of video exercise the chunked path.
   */
  minChunks?: number;
}

export const DEFAULT_CHUNK_SEC = 30;

export function planChunks({ durationSec, segmentSec, targetChunkSec = DEFAULT_CHUNK_SEC, minChunks = 2 }: ChunkPlanInput): ChunkSpan[] {
  if (!(durationSec > 0)) throw new RangeError(`durationSec must be positive, got ${durationSec}`);
  if (!(segmentSec > 0)) throw new RangeError(`segmentSec must be positive, got ${segmentSec}`);
  if (!(targetChunkSec > 0)) throw new RangeError(`targetChunkSec must be positive, got ${targetChunkSec}`);
  if (!(Number.isInteger(minChunks) && minChunks >= 1)) throw new RangeError(`minChunks must be a whole number >= 1, got ${minChunks}`);

  // The last segment may be short (a 10 s source in 4 s segments has 3); a hair over a boundary
  // from probe rounding does not make a segment of its own.
  const segments = Math.max(1, Math.ceil(durationSec / segmentSec - 1e-6));
  const perChunk = Math.max(1, Math.round(targetChunkSec / segmentSec));
  const count = Math.min(segments, Math.max(minChunks, Math.ceil(segments / perChunk)));
  // Segments shared out as evenly as whole numbers allow, the larger chunks first.
  const base = Math.floor(segments / count);
  const extra = segments % count;
  const chunks: ChunkSpan[] = [];
  let first = 0;
  for (let index = 0; index < count; index++) {
    const length = base + (index < extra ? 1 : 0);
    const last = index === count - 1;
    chunks.push({ index, startSec: roundSec(first * segmentSec), durationSec: last ? null : roundSec(length * segmentSec) });
    first += length;
  }
  return chunks;
}

/** Segment multiples of a fractional segmentSec (e.g. 0.1 * 3) without float dust in ffmpeg arguments. */
function roundSec(sec: number): number {
  return Math.round(sec * 1e6) / 1e6;
}
