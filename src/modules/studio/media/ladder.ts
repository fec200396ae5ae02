/**
 * Bitrate ladder selection: which renditions to encode for a source of a given size.
 * Pure: no I/O, so it is unit-tested with tables and can be benchmarked alone.
 *
 * Rungs are boxes (1920x1080, 1280x720, ...). A source is scaled to fit inside each box,
 * keeping its aspect ratio, so a 2.39:1 film at 1920x818 gets a "1080p" rung of 1920x818
 * rather than an invented 2538x1080, and a portrait phone video uses the boxes turned on
 * their side. Nothing is ever upscaled.
 */
import type { HullPoint } from './convexHull.ts';
import { floorEven, roundEven, type FrameSize } from './dimensions.ts';

/** H.264 for every rung, so every device plays; VP9 on the upper rungs, where its bit savings matter most. */
export type VideoCodec = 'h264' | 'vp9';

/** One entry of a fixed ladder: the box a rendition must fit in, and its bitrates at that box's full size. */
export interface LadderStep {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  audioKbps: number;
}

/** One rendition to encode. `width`/`height` are even and keep the source's display aspect ratio. */
export interface Rung {
  name: string;
  width: number;
  height: number;
  /** Nominal video bitrate: what the manifests announce, and the most a hard scene gets on average. */
  videoKbps: number;
  /** VBV maximum rate (x264 -maxrate): the cap of the capped-CRF encode. */
  maxrateKbps: number;
  /** VBV buffer size (x264 -bufsize): how far a burst may run over the cap. */
  bufsizeKbps: number;
  /** Audio bitrate of the (shared) audio rendition played alongside. */
  audioKbps: number;
  /** Default h264. */
  codec?: VideoCodec;
  /** This rung's own quality target (per-title ladders); otherwise the encode's single CRF. */
  crf?: number;
}

/**
 * H.264 bitrate caps for x264 `veryfast` at 24-30 fps. They sit a little above the usual
 * "medium preset" ladders (e.g. Apple's HLS authoring spec) because faster presets spend
 * more bits for the same quality. Audio is one shared AAC stereo rendition, hence one value.
 */
export const DEFAULT_LADDER: readonly LadderStep[] = Object.freeze([
  { name: '1080p', width: 1920, height: 1080, videoKbps: 5000, audioKbps: 128 },
  { name: '720p', width: 1280, height: 720, videoKbps: 2800, audioKbps: 128 },
  { name: '480p', width: 854, height: 480, videoKbps: 1400, audioKbps: 128 },
  { name: '360p', width: 640, height: 360, videoKbps: 800, audioKbps: 128 },
  { name: '240p', width: 426, height: 240, videoKbps: 400, audioKbps: 128 },
  { name: '144p', width: 256, height: 144, videoKbps: 200, audioKbps: 128 },
]);

/** ABR needs room to step down; fewer than this and a player on a weak link stalls. */
export const MIN_RUNGS = 4;

/**
 * Rungs are encoded as capped CRF (encodeArgs.ts): constant quality, with the x264 VBV holding
 * the rate at or under `maxrateKbps`. The cap equals the advertised bitrate, so the bandwidth
 * a manifest announces is a true ceiling for ABR, while easy content (talking heads, slides,
 * animation) comes out far smaller than the cap.
 */
const MAXRATE_FACTOR = 1;
/** A VBV buffer of two seconds at the cap: short bursts may exceed it, a 4 s segment barely. */
const BUFSIZE_FACTOR = 2;
/** Adjacent rungs closer than this (in pixels) look the same to a viewer: keep only the larger. */
const MIN_PIXEL_STEP = 1.25;
/** When filling a short ladder, a gap at least this wide (in pixels) gets a rung in the middle... */
const SPLIT_GAP = 2;
/** ...otherwise a new rung goes below the bottom one, this much smaller on each side. */
const EXTEND_FACTOR = 0.75;
/** Floor for extrapolated bitrates: below this H.264 at any size is mush. */
const MIN_VIDEO_KBPS = 48;
/** Used when a ladder has one step and offers no slope: bits grow slower than pixels. */
const DEFAULT_BITRATE_EXPONENT = 0.75;

interface Size extends FrameSize {
  name: string;
  audioKbps: number;
}

export function fixedLadder(source: FrameSize, fixedRungs: readonly LadderStep[] = DEFAULT_LADDER): Rung[] {
  if (!isPositive(source.width) || !isPositive(source.height)) {
    throw new RangeError(`source size must be positive, got ${source.width}x${source.height}`);
  }
  if (fixedRungs.length === 0) throw new RangeError('a ladder needs at least one step');
  const steps = [...fixedRungs].sort((a, b) => pixels(b) - pixels(a));
  const portrait = source.height > source.width;

  // Walk the boxes from the largest down. Boxes the source fits in whole collapse into one
  // rung at the source's own size, named after the smallest such box when the source fills
  // it ("720p" for 1280x720 or 1280x536), otherwise after its own short side ("562p").
  let whole: Size | undefined;
  const scaled: Size[] = [];
  for (const step of steps) {
    const boxW = portrait ? step.height : step.width;
    const boxH = portrait ? step.width : step.height;
    const scale = Math.min(boxW / source.width, boxH / source.height);
    if (scale >= 1) {
      const width = floorEven(source.width);
      const height = floorEven(source.height);
      const fills = width === floorEven(boxW) || height === floorEven(boxH);
      whole = { name: fills ? step.name : shortSideName(width, height), width, height, audioKbps: step.audioKbps };
    } else {
      // The side that touches the box takes the box's exact size; only the other one is rounded.
      const widthBound = boxW / source.width <= boxH / source.height;
      const width = widthBound ? roundEven(boxW) : roundEven(source.width * scale);
      const height = widthBound ? roundEven(source.height * scale) : roundEven(boxH);
      scaled.push({ name: step.name, width, height, audioKbps: step.audioKbps });
    }
  }

  const sizes: Size[] = [];
  for (const size of whole ? [whole, ...scaled] : scaled) {
    const above = sizes.at(-1);
    if (above && pixels(above) / pixels(size) < MIN_PIXEL_STEP) continue;
    sizes.push(size);
  }

  const smallestStep = steps.at(-1)!;
  if (Math.min(source.width, source.height) >= Math.min(smallestStep.width, smallestStep.height)) {
    fillToMinimum(sizes, source);
  }

  return sizes.map((size) => {
    const videoKbps = videoKbpsFor(pixels(size), steps);
    return {
      name: size.name,
      width: size.width,
      height: size.height,
      videoKbps,
      maxrateKbps: Math.round(videoKbps * MAXRATE_FACTOR),
      bufsizeKbps: Math.round(videoKbps * BUFSIZE_FACTOR),
      audioKbps: size.audioKbps,
    };
  });
}

/**
 * Small sources yield few rungs (a 360p upload fits only 360/240/144). Add rungs, first in
 * the middle of the widest gap, then below the bottom, until there are MIN_RUNGS.
 */
function fillToMinimum(sizes: Size[], source: FrameSize): void {
  while (sizes.length < MIN_RUNGS && sizes.length > 0) {
    let widest = -1;
    let widestRatio = SPLIT_GAP;
    for (let i = 0; i + 1 < sizes.length; i++) {
      const ratio = pixels(sizes[i]!) / pixels(sizes[i + 1]!);
      if (ratio >= widestRatio) {
        widest = i;
        widestRatio = ratio;
      }
    }
    if (widest >= 0) {
      const a = sizes[widest]!;
      const b = sizes[widest + 1]!;
      const scale = Math.sqrt((a.height / source.height) * (b.height / source.height));
      sizes.splice(widest + 1, 0, sizeAt(source, scale, b.audioKbps));
    } else {
      const bottom = sizes.at(-1)!;
      sizes.push(sizeAt(source, (bottom.height / source.height) * EXTEND_FACTOR, bottom.audioKbps));
    }
  }
}

function sizeAt(source: FrameSize, scale: number, audioKbps: number): Size {
  const width = roundEven(source.width * scale);
  const height = roundEven(source.height * scale);
  return { name: shortSideName(width, height), width, height, audioKbps };
}

/**
 * Bitrate for a frame of `px` pixels: piecewise linear in log(pixels)/log(kbps) through the
 * ladder's own steps, so full-box rungs get exactly the table value and letterboxed or odd
 * sizes get a proportionate one. Below the smallest step the last slope continues.
 */
export function videoKbpsFor(px: number, steps: readonly LadderStep[]): number {
  const points = [...steps].sort((a, b) => pixels(a) - pixels(b)).map((s) => ({ px: pixels(s), kbps: s.videoKbps }));
  const exact = points.find((p) => p.px === px);
  if (exact) return exact.kbps;
  const first = points[0]!;
  const last = points.at(-1)!;
  if (points.length === 1) {
    return Math.max(MIN_VIDEO_KBPS, Math.round(first.kbps * (px / first.px) ** DEFAULT_BITRATE_EXPONENT));
  }
  let lo = points[0]!;
  let hi = points[1]!;
  if (px > last.px) {
    lo = points.at(-2)!;
    hi = last;
  } else {
    for (let i = 0; i + 1 < points.length; i++) {
      lo = points[i]!;
      hi = points[i + 1]!;
      if (px <= hi.px) break;
    }
  }
  const slope = Math.log(hi.kbps / lo.kbps) / Math.log(hi.px / lo.px);
  const kbps = lo.kbps * (px / lo.px) ** slope;
  return Math.max(MIN_VIDEO_KBPS, Math.round(kbps));
}

function shortSideName(width: number, height: number): string {
  return `${Math.min(width, height)}p`;
}

function pixels(size: FrameSize): number {
  return size.width * size.height;
}

function isPositive(n: number): boolean {
  return Number.isFinite(n) && n > 0;
}

/** The sizes trial encodes are made at (bitrates unused): the usual boxes, capped by the source. */
const TRIAL_STEPS: readonly LadderStep[] = Object.freeze(
  [1080, 720, 540, 360, 240].map((h) => ({ name: `${h}p`, width: roundEven((h * 16) / 9), height: h, videoKbps: h * 4, audioKbps: 128 })),
);

export function trialSizes(source: FrameSize): FrameSize[] {
  return fixedLadder(source, TRIAL_STEPS).map((r) => ({ width: r.width, height: r.height }));
}

/**
 * The samples a per-title ladder was chosen on may be easier than the title's hardest scenes;
 * the advertised bitrate (and VBV cap) leaves this much room over what the samples took.
 */
const PER_TITLE_HEADROOM = 1.5;

/** Rungs for hull points chosen by chooseLadder: each at its trial's size and CRF. */
export function perTitleRungs(chosen: readonly HullPoint[], audioKbps = 128): Rung[] {
  return chosen.map((p) => {
    const videoKbps = Math.max(MIN_VIDEO_KBPS, Math.round(p.kbps * PER_TITLE_HEADROOM));
    return {
      name: shortSideName(p.width, p.height),
      width: p.width,
      height: p.height,
      videoKbps,
      maxrateKbps: Math.round(videoKbps * MAXRATE_FACTOR),
      bufsizeKbps: Math.round(videoKbps * BUFSIZE_FACTOR),
      audioKbps,
      crf: p.crf,
    };
  });
}

/**
 * VP9 (libvpx) against x264 veryfast at equal VMAF, measured in docs/benchmarks.md: at most
 * ~80% of the H.264 bits, at a CRF 11-18 above the H.264 one depending on the picture.
 */
export const VP9_BITRATE_SHARE = 0.8;
export const VP9_CRF_OFFSET = 17;
/** x264's default CRF, for rungs that carry none. */
const DEFAULT_CRF = 23;

/**
 * Adds a VP9 rendition of each of the `count` largest H.264 rungs (same size, fewer bits),
 * listed after all the H.264 rungs so H.264 representation numbers do not move.
 */
export function withSecondCodec(rungs: readonly Rung[], count = 2): Rung[] {
  const upper = [...rungs].filter((r) => (r.codec ?? 'h264') === 'h264').sort((a, b) => b.width * b.height - a.width * a.height || b.videoKbps - a.videoKbps).slice(0, count);
  const vp9 = upper.map((r): Rung => {
    const videoKbps = Math.max(MIN_VIDEO_KBPS, Math.round(r.videoKbps * VP9_BITRATE_SHARE));
    return {
      ...r,
      codec: 'vp9',
      crf: Math.min(63, (r.crf ?? DEFAULT_CRF) + VP9_CRF_OFFSET),
      videoKbps,
      maxrateKbps: Math.round(videoKbps * MAXRATE_FACTOR),
      bufsizeKbps: Math.round(videoKbps * BUFSIZE_FACTOR),
    };
  });
  return [...rungs, ...vp9];
}
