/**
 * Quality control verdicts: pure decisions over what the QC run measured (see runQc.ts for the
 * measuring). Each check says pass, fail, warn or not_measured with a sentence an operator can
 * act on; any fail blocks publishing until an admin overrides it with a reason.
 */

export type QcCheckStatus = 'pass' | 'fail' | 'warn' | 'not_measured';
export type QcCheckKind = 'decode' | 'duration' | 'sync' | 'quality' | 'black' | 'frozen';

export interface QcCheck {
  kind: QcCheckKind;
  /** What was checked: a rendition ("720p H.264"), "audio", or "source". */
  subject: string;
  status: QcCheckStatus;
  message: string;
  /** The measured number and the limit it was held to, in the check's unit (s, ms, VMAF or dB). */
  measured?: number;
  limit?: number;
}

/** A black or frozen stretch of the source, in seconds from its start. */
export interface Stretch {
  startSec: number;
  endSec: number;
}

export interface QcOverride {
  /** Account id of the admin who published despite the failed checks. */
  by: string;
  reason: string;
  at: string;
}

export interface QcReport {
  verdict: 'pass' | 'fail';
  checkedAt: string;
  checks: QcCheck[];
  black: Stretch[];
  frozen: Stretch[];
  override?: QcOverride;
}

export interface QcThresholds {
  /** Renditions and audio may differ from the source by this many frames (at the output frame rate). */
  durationFrames: number;
  /** Audio may start or end this far from where it should relative to the video. */
  maxSyncMs: number;
  /**
   * How far below the score it was chosen for an H.264 rung may measure: the whole title is
   * encoded under a bitrate cap, the trial was not, and a rung between trial CRFs was chosen at an
   * interpolated score. At least this much, or `qualityToleranceShare` of the way down to a
   * perfect score, whichever is more: low rungs vary more (on our clips, up to 3.2 VMAF at 43).
   */
  h264QualityTolerance: number;
  qualityToleranceShare: number;
  /**
   * A VP9 rung is held to the H.264 rung below its sibling (less h264QualityTolerance): it need
   * not match its sibling, since its CRF is only mapped from the sibling's by a measured offset
   * (on our clips it scored 2-6 VMAF under it), but below the next rung down it would add nothing.
   * Beside the lowest H.264 rung it is held to its sibling less this.
   */
  vp9QualityTolerance: number;
  /** Every VMAF-scored rung must also reach this (QC_VMAF_FLOOR); none when undefined. */
  vmafFloor?: number;
  /** Black or frozen stretches starting or ending this close to the start or end, and no longer than `edgeMaxShare` of the whole, are fades, slates and credits. */
  edgeSec: number;
  edgeMaxShare: number;
  /** A source black for this share of its length or more is a lost picture, not artistic: fail. */
  maxBlackShare: number;
}

export const DEFAULT_THRESHOLDS: Readonly<QcThresholds> = Object.freeze({
  durationFrames: 2,
  maxSyncMs: 40,
  h264QualityTolerance: 3,
  qualityToleranceShare: 0.1,
  vp9QualityTolerance: 8,
  edgeSec: 2,
  edgeMaxShare: 0.1,
  maxBlackShare: 0.9,
});

/** Shortest stretch reported; shorter black or still moments are ordinary cuts and pauses. */
export const MIN_STRETCH_SEC = 1;

const fmtSec = (s: number) => `${s.toFixed(3)} s`;
const fmtMs = (s: number) => `${Math.round(s * 1000)} ms`;

/** `[blackdetect @ 0x…] black_start:4 black_end:6 black_duration:2` lines; a stretch still open at the end closes at `totalSec`. */
export function parseBlackdetect(log: string, totalSec: number): Stretch[] {
  const stretches: Stretch[] = [];
  for (const m of log.matchAll(/black_start:\s*(-?[\d.]+)(?:\s+black_end:\s*(-?[\d.]+))?/g)) {
    const startSec = Number(m[1]);
    const endSec = m[2] === undefined ? totalSec : Number(m[2]);
    if (Number.isFinite(startSec) && Number.isFinite(endSec) && endSec > startSec) stretches.push({ startSec, endSec });
  }
  return stretches;
}

/** `lavfi.freezedetect.freeze_start: 2.16` … `freeze_end: 4` lines (one key per line, in order); an unterminated freeze closes at `totalSec`. */
export function parseFreezedetect(log: string, totalSec: number): Stretch[] {
  const stretches: Stretch[] = [];
  let open: number | undefined;
  for (const m of log.matchAll(/lavfi\.freezedetect\.freeze_(start|end):\s*(-?[\d.]+)/g)) {
    const t = Number(m[2]);
    if (!Number.isFinite(t)) continue;
    if (m[1] === 'start') {
      open = t;
    } else if (open !== undefined) {
      if (t > open) stretches.push({ startSec: open, endSec: t });
      open = undefined;
    }
  }
  if (open !== undefined && totalSec > open) stretches.push({ startSec: open, endSec: totalSec });
  return stretches;
}

/** A black screen is also a still one: a frozen stretch lying mostly (80%+) within black is reported as black only. */
export function frozenOutsideBlack(frozen: readonly Stretch[], black: readonly Stretch[]): Stretch[] {
  return frozen.filter((f) => {
    const covered = black.reduce((sum, b) => sum + Math.max(0, Math.min(f.endSec, b.endSec) - Math.max(f.startSec, b.startSec)), 0);
    return covered < 0.8 * (f.endSec - f.startSec);
  });
}

export function decodeCheck(subject: string, result: { ok: boolean; errors: readonly string[] }): QcCheck {
  if (result.ok && result.errors.length === 0) return { kind: 'decode', subject, status: 'pass', message: 'decodes end to end without errors' };
  const first = result.errors[0] ?? 'the decoder stopped with an error';
  const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more error(s))` : '';
  return { kind: 'decode', subject, status: 'fail', message: `does not decode cleanly: ${first}${more}` };
}

/** A rendition's or the audio's length against the source's, within `durationFrames` frames at `fps`. */
export function durationCheck(subject: string, measuredSec: number | undefined, sourceSec: number | undefined, fps: number, t: QcThresholds = DEFAULT_THRESHOLDS): QcCheck {
  const limit = t.durationFrames / fps;
  if (measuredSec === undefined || sourceSec === undefined) {
    return { kind: 'duration', subject, status: 'not_measured', message: measuredSec === undefined ? 'its length could not be read' : "the source's length could not be read", limit };
  }
  const diff = Math.abs(measuredSec - sourceSec);
  const pass = diff <= limit + 1e-6;
  return {
    kind: 'duration',
    subject,
    status: pass ? 'pass' : 'fail',
    message: `${fmtSec(measuredSec)} against the source's ${fmtSec(sourceSec)}: ${fmtMs(diff)} apart (limit ${t.durationFrames} frames, ${fmtMs(limit)})`,
    measured: diff,
    limit,
  };
}

/** When a track starts and ends (presentation time, seconds). */
export interface TrackSpan {
  startSec: number;
  endSec: number;
  /** Length of the last packet: an encoder pads the last audio frame out to a whole frame. */
  lastFrameSec?: number;
}

/**
 * Audio against video in the packaged output. The start offset is held to the limit as is (a
 * viewer hears it from the first frame); at the end, only what the encode changed counts, since a
 * source's audio may run on past its last picture.
 */
export function syncCheck(output: { video: TrackSpan; audio: TrackSpan }, source: { video: TrackSpan; audio: TrackSpan } | undefined, t: QcThresholds = DEFAULT_THRESHOLDS): QcCheck {
  const limit = t.maxSyncMs / 1000;
  const startOffset = output.audio.startSec - output.video.startSec;
  const endOffset = output.audio.endSec - output.video.endSec;
  const sourceEndOffset = source ? source.audio.endSec - source.video.endSec : 0;
  // AAC ends on a whole frame (1024 samples, 21 ms at 48 kHz), so up to one frame past the
  // source's end is padding, not drift.
  const grown = endOffset - sourceEndOffset;
  const endDrift = grown > 0 ? Math.max(0, grown - (output.audio.lastFrameSec ?? 0)) : grown;
  const worst = Math.max(Math.abs(startOffset), Math.abs(endDrift));
  const pass = worst < limit;
  const start = `audio starts ${fmtMs(Math.abs(startOffset))} ${startOffset >= 0 ? 'after' : 'before'} the video`;
  const end = `drifts ${fmtMs(Math.abs(endDrift))} by the end`;
  return { kind: 'sync', subject: 'audio', status: pass ? 'pass' : 'fail', message: `${start} and ${end} (limit ${t.maxSyncMs} ms)`, measured: worst * 1000, limit: t.maxSyncMs };
}

/** What the quality checks read from the ladder report (a subset of LadderReport). */
export interface LadderScores {
  mode: 'per-title' | 'fixed';
  metric: 'vmaf' | 'psnr' | null;
  points: readonly { width: number; height: number; crf: number; score: number }[];
  rungs: readonly { name: string; width: number; height: number; codec: string; videoKbps: number; crf: number | null; score: number | null }[];
}

export function rungLabel(r: { name: string; codec: string }): string {
  return `${r.name} ${r.codec.startsWith('vp09.') ? 'VP9' : r.codec.startsWith('avc1.') ? 'H.264' : r.codec}`;
}

/**
 * Each rung's measured score against its target: the score of the trial encode it was chosen for
 * less a tolerance (VP9 rungs: see vp9QualityTolerance), and at least the VMAF floor.
 * A fixed ladder is not scored, so its rungs say not_measured rather than pass.
 */
export function qualityChecks(ladder: LadderScores, t: QcThresholds = DEFAULT_THRESHOLDS): QcCheck[] {
  const unit = ladder.metric === 'psnr' ? 'PSNR' : 'VMAF';
  const chosenScore = (r: { width: number; height: number; crf: number | null }) => (r.crf === null ? undefined : scoreAtCrf(ladder.points, r.width, r.height, r.crf));
  const perfect = ladder.metric === 'psnr' ? 50 : 100;
  const tolerance = (chosen: number, least: number) => Math.max(least, t.qualityToleranceShare * (perfect - chosen));
  // VP9 rung k is made from the k-th H.264 rung, largest (then highest rate) first: ladder.ts withSecondCodec.
  const h264 = ladder.rungs.filter((r) => r.codec.startsWith('avc1.')).sort((a, b) => b.width * b.height - a.width * a.height || b.videoKbps - a.videoKbps);
  const vp9Rungs = ladder.rungs.filter((r) => r.codec.startsWith('vp09.'));
  return ladder.rungs.map((r): QcCheck => {
    const subject = rungLabel(r);
    if (ladder.mode === 'fixed' || r.score === null || ladder.metric === null) {
      const why = ladder.mode === 'fixed' ? 'fixed-ladder rungs are not scored (the per-title ladder scores every rung)' : 'this rung was not scored';
      return { kind: 'quality', subject, status: 'not_measured', message: `${why}; quality not measured` };
    }
    const vp9Index = vp9Rungs.indexOf(r);
    const below = vp9Index >= 0 ? h264[vp9Index + 1] : undefined;
    // [the rung whose chosen score sets the target, its tolerance, how the message names it]
    const [reference, least, named] =
      vp9Index < 0 ? [r, t.h264QualityTolerance, 'chosen at'] : below ? [below, t.h264QualityTolerance, `the H.264 ${below.name} rung below chosen at`] : [h264[vp9Index], t.vp9QualityTolerance, `its H.264 sibling chosen at`];
    const chosen = reference ? chosenScore(reference) : undefined;
    const allowed = chosen === undefined ? undefined : round2(tolerance(chosen, least));
    const fromChoice = chosen === undefined || allowed === undefined ? undefined : chosen - allowed;
    const floor = ladder.metric === 'vmaf' ? t.vmafFloor : undefined;
    const target = fromChoice === undefined ? floor : floor === undefined ? fromChoice : Math.max(fromChoice, floor);
    if (target === undefined) return { kind: 'quality', subject, status: 'not_measured', message: `${unit} ${r.score.toFixed(2)}, but no target: the trial it was chosen from is not in the report` };
    const why = [chosen === undefined ? undefined : `${named} ${chosen.toFixed(2)} less ${allowed}`, floor === undefined ? undefined : `floor ${floor}`].filter(Boolean).join(', ');
    const pass = r.score >= target;
    return { kind: 'quality', subject, status: pass ? 'pass' : 'fail', message: `${unit} ${r.score.toFixed(2)} ${pass ? '≥' : '<'} target ${target.toFixed(2)} (${why})`, measured: r.score, limit: target };
  });
}

/**
 * The score a size's trials give at `crf`: the trial's own, or interpolated linearly between the
 * trials at the CRFs either side (per-title rungs may sit between the trial grid's CRFs).
 * Undefined outside the trials' range: there is nothing to say what that CRF was chosen for.
 */
export function scoreAtCrf(points: LadderScores['points'], width: number, height: number, crf: number): number | undefined {
  const curve = points.filter((p) => p.width === width && p.height === height).sort((a, b) => a.crf - b.crf);
  const exact = curve.find((p) => p.crf === crf);
  if (exact) return exact.score;
  const upper = curve.findIndex((p) => p.crf > crf);
  if (upper <= 0) return undefined;
  const a = curve[upper - 1]!;
  const b = curve[upper]!;
  return round2(a.score + ((crf - a.crf) / (b.crf - a.crf)) * (b.score - a.score));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Black and frozen stretches are reported, and only warn: a film may hold on black or a still on
 * purpose, and a few seconds at the start or end (fades, slates, credits) are normal and do not
 * even warn. Only a source black for nearly all of its length (a lost picture) fails; one frozen
 * throughout still only warns, since a still picture over sound (a podcast, a lecture) is a real format.
 */
export function stretchCheck(kind: 'black' | 'frozen', stretches: readonly Stretch[], totalSec: number, t: QcThresholds = DEFAULT_THRESHOLDS): QcCheck {
  const total = stretches.reduce((s, x) => s + (x.endSec - x.startSec), 0);
  const share = totalSec > 0 ? total / totalSec : 0;
  const list = (xs: readonly Stretch[]) => xs.map((x) => `${x.startSec.toFixed(2)}–${x.endSec.toFixed(2)} s`).join(', ');
  if (stretches.length === 0) return { kind, subject: 'source', status: 'pass', message: `no ${kind} stretch of ${MIN_STRETCH_SEC} s or longer`, measured: 0 };
  if (kind === 'black' && share >= t.maxBlackShare) {
    return { kind, subject: 'source', status: 'fail', message: `${Math.round(share * 100)}% of the source is black (${list(stretches)}): the picture looks lost`, measured: total, limit: t.maxBlackShare * totalSec };
  }
  const atEdge = (x: Stretch) => (x.startSec <= t.edgeSec || x.endSec >= totalSec - t.edgeSec) && x.endSec - x.startSec <= t.edgeMaxShare * totalSec;
  const inside = stretches.filter((x) => !atEdge(x));
  if (inside.length === 0) return { kind, subject: 'source', status: 'pass', message: `${kind} only at the start or end (${list(stretches)}), as fades and credits are`, measured: total };
  return { kind, subject: 'source', status: 'warn', message: `${inside.length} ${kind} stretch(es) inside the programme: ${list(inside)}; check they are intended`, measured: total };
}

export function qcReport(checks: QcCheck[], stretches: { black: Stretch[]; frozen: Stretch[] }, checkedAt: string): QcReport {
  return { verdict: checks.some((c) => c.status === 'fail') ? 'fail' : 'pass', checkedAt, checks, black: stretches.black, frozen: stretches.frozen };
}

/** One line for a failed job's message: how many checks failed and the first few. */
export function qcSummary(report: QcReport): string {
  const failed = report.checks.filter((c) => c.status === 'fail');
  if (failed.length === 0) return `QC passed ${report.checks.length} checks`;
  const first = failed
    .slice(0, 3)
    .map((c) => `${c.subject} ${c.kind}: ${c.message}`)
    .join('; ');
  return `QC failed ${failed.length} of ${report.checks.length} checks: ${first}${failed.length > 3 ? '; …' : ''}`;
}
