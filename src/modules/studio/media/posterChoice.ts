/**
 * Choosing the poster and backdrop frames from cheap per-frame measurements. Pure.
 *
 * A fixed point (a third in) lands on a fade, a black slate or a motion-blurred pan often
 * enough to show on the home page. Instead we sample candidates across the title and score
 * each from three ffmpeg measurements taken in one decode of a small rendition:
 * - luma (signalstats YAVG, 16-235): rules out black and near-black frames;
 * - contrast (YHIGH - YLOW): rules out flat frames (fades, slates, solid colour);
 * - edge energy (YAVG of the edgedetect image): a sharpness proxy; blurred or soft frames
 *   have little of it. It is judged against the title's own median, because a cartoon and a
 *   grainy film differ in absolute edge energy far more than a sharp and a blurred frame of
 *   the same title do.
 */

export interface FrameMeasurement {
  atSec: number;
  /** Mean luma, 16 (black) to 235 (white) for limited-range video. */
  luma: number;
  /** 90th minus 10th percentile luma. */
  contrast: number;
  /** Mean of the edge-detected image, 0-255. */
  edges: number;
}

export interface FrameChoice {
  atSec: number;
  /** Why this frame, for logs and the studio: 'best' or the fallback taken. */
  reason: 'best' | 'least-bad' | 'no-candidates';
}

/** Candidates within this share of either end are skipped: titles, fades and end credits. */
export const EDGE_SKIP_SHARE = 0.05;
/** Below this mean luma a frame reads as black on a poster. */
export const MIN_LUMA = 40;
/** Above this a frame is washed out (a flash, a white fade). */
export const MAX_LUMA = 215;
/** Below this spread of luma a frame is flat: a fade or a slate. */
export const MIN_CONTRAST = 24;
/** A frame with less than this share of the title's median edge energy counts as blurred. */
export const MIN_EDGE_SHARE = 0.6;
/** The backdrop is at least this share of the title away from the poster: a different moment. */
export const BACKDROP_MIN_GAP_SHARE = 0.25;

/** At most this many candidates: one decode of a small rendition measures them all. */
export const MAX_CANDIDATES = 60;

/** Seconds between candidate frames: up to MAX_CANDIDATES across the title, never closer than half a second. */
export function candidateIntervalSec(durationSec: number): number {
  return Math.max(0.5, durationSec / MAX_CANDIDATES);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Exposure closeness to mid-grey, 0 (black or white) to 1. */
function exposure(luma: number): number {
  return Math.max(0, 1 - Math.abs(luma - 125) / 110);
}

function usable(f: FrameMeasurement, edgeFloor: number): boolean {
  return f.luma >= MIN_LUMA && f.luma <= MAX_LUMA && f.contrast >= MIN_CONTRAST && f.edges >= edgeFloor;
}

/** Sharpness dominates; exposure and contrast break ties between equally sharp frames. */
function score(f: FrameMeasurement, medianEdges: number): number {
  const sharpness = medianEdges > 0 ? f.edges / medianEdges : 0;
  return sharpness * (0.5 + 0.25 * exposure(f.luma) + 0.25 * Math.min(1, f.contrast / 128));
}

/**
 * The poster and a backdrop from a different moment. Frames in the skipped ends are ignored;
 * when no frame passes the black/flat/blur tests the least bad one is taken (a title that is
 * dark throughout still needs a poster); with no measurements at all, a third of the way in.
 */
export function choosePosterFrames(frames: readonly FrameMeasurement[], durationSec: number): { poster: FrameChoice; backdrop: FrameChoice } {
  const inside = frames.filter((f) => f.atSec >= durationSec * EDGE_SKIP_SHARE && f.atSec <= durationSec * (1 - EDGE_SKIP_SHARE));
  const pool = inside.length > 0 ? inside : [...frames];
  if (pool.length === 0) {
    const fallback = { atSec: durationSec / 3, reason: 'no-candidates' as const };
    return { poster: fallback, backdrop: fallback };
  }
  // The median over frames that are not black or flat: a long black stretch must not drag the
  // reference down until a soft frame looks sharp.
  const lit = pool.filter((f) => f.luma >= MIN_LUMA && f.contrast >= MIN_CONTRAST);
  const medianEdges = median((lit.length > 0 ? lit : pool).map((f) => f.edges));
  const edgeFloor = medianEdges * MIN_EDGE_SHARE;
  const good = pool.filter((f) => usable(f, edgeFloor));
  const ranked = (good.length > 0 ? good : pool)
    .map((f) => ({ f, s: good.length > 0 ? score(f, medianEdges) : f.contrast * exposure(f.luma) + f.edges }))
    .sort((a, b) => b.s - a.s || a.f.atSec - b.f.atSec);
  const reason = good.length > 0 ? ('best' as const) : ('least-bad' as const);
  const poster = ranked[0]!.f;
  const gap = durationSec * BACKDROP_MIN_GAP_SHARE;
  const backdrop = ranked.find((r) => Math.abs(r.f.atSec - poster.atSec) >= gap)?.f ?? ranked[1]?.f ?? poster;
  return { poster: { atSec: poster.atSec, reason }, backdrop: { atSec: backdrop.atSec, reason } };
}

/**
 * Reads the `metadata=mode=print:file=…` output of one filter chain: `frame:N pts:P pts_time:T`
 * lines, each followed by `key=value` lines. Returns one record per frame, in order.
 */
export function parseFrameMetadata(text: string): { atSec: number; values: Record<string, number> }[] {
  const frames: { atSec: number; values: Record<string, number> }[] = [];
  for (const line of text.split('\n')) {
    const head = /^frame:\d+\s+pts:\S+\s+pts_time:(\S+)/.exec(line);
    if (head) {
      frames.push({ atSec: Number(head[1]), values: {} });
      continue;
    }
    const kv = /^([\w.]+)=(\S+)$/.exec(line.trim());
    const current = frames.at(-1);
    if (kv && current) {
      const n = Number(kv[2]);
      if (Number.isFinite(n)) current.values[kv[1]!] = n;
    }
  }
  return frames.filter((f) => Number.isFinite(f.atSec));
}

/** Joins the luma and edge metadata of the same frames into measurements. */
export function frameMeasurements(lumaText: string, edgeText: string): FrameMeasurement[] {
  const luma = parseFrameMetadata(lumaText);
  const edges = new Map(parseFrameMetadata(edgeText).map((f) => [f.atSec, f.values['lavfi.signalstats.YAVG']]));
  const out: FrameMeasurement[] = [];
  for (const f of luma) {
    const y = f.values['lavfi.signalstats.YAVG'];
    const low = f.values['lavfi.signalstats.YLOW'];
    const high = f.values['lavfi.signalstats.YHIGH'];
    const e = edges.get(f.atSec);
    if (y === undefined || low === undefined || high === undefined || e === undefined) continue;
    out.push({ atSec: f.atSec, luma: y, contrast: high - low, edges: e });
  }
  return out;
}

/**
 * One decode that measures candidate frames: luma statistics to `lumaFile`, then the same
 * frames' edge energy to `edgeFile` (signalstats on the edgedetect image overwrites the luma
 * keys, hence two metadata prints).
 */
export function frameStatsArgs(opts: { input: string; intervalSec: number; lumaFile: string; edgeFile: string }): string[] {
  const rate = (1 / opts.intervalSec).toFixed(6);
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'warning',
    '-i', opts.input,
    '-map', '0:v:0',
    '-vf', [
      `fps=${rate}:round=up`,
      'signalstats',
      `metadata=mode=print:file=${filterPath(opts.lumaFile)}`,
      'edgedetect',
      'signalstats',
      `metadata=mode=print:key=lavfi.signalstats.YAVG:file=${filterPath(opts.edgeFile)}`,
    ].join(','),
    '-f', 'null', '-',
  ];
}

/** A path as a filter option value: escaped once for the option parser, once more for the graph parser. */
export function filterPath(path: string): string {
  const option = path.replace(/[\\':]/g, (c) => `\\${c}`);
  return option.replace(/[\\',;[\]]/g, (c) => `\\${c}`);
}

export const BACKDROP_FILE = 'backdrop.jpg';
/** Backdrops fill a wide hero area; the source's own width when smaller. */
export const BACKDROP_WIDTH = 1280;
