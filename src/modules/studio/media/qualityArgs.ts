/**
 * Commands and parsers of the per-title analysis, as plain data. Pure: tested without ffmpeg.
 *
 * A few short windows of the source are cut into one lossless reference clip; trial encodes
 * of that clip at several sizes and CRFs are each upscaled back to the reference size and
 * scored against it (VMAF with a model, PSNR without).
 */
import { join } from 'node:path';
import type { X264Preset } from './encodeArgs.ts';
import type { FrameSize } from './dimensions.ts';

export interface SampleWindow {
  startSec: number;
  durationSec: number;
}

/** x264 CRFs tried at every size: from near-transparent down to what a weak mobile link can carry. */
export const TRIAL_CRFS: readonly number[] = Object.freeze([21, 27, 33, 39]);
/** VMAF is computed on every n-th frame: 2 s windows at 25 fps still give ~25 scored frames each at n=3. */
export const VMAF_SUBSAMPLE = 3;
/** VMAF v0.6.1 models a 1080p screen at 3x picture height; larger sources are scored at 1080p. */
const MAX_REFERENCE_HEIGHT = 1080;

/**
 * `count` windows of `seconds`, centred at evenly spread points of the title (1/6, 1/2, 5/6
 * for three) so opening titles, the middle and the end are all sampled. A title too short for
 * them gets fewer windows, or one window covering all of it.
 */
export function sampleWindows(durationSec: number, count = 3, seconds = 2): SampleWindow[] {
  if (!(durationSec > 0)) throw new RangeError(`durationSec must be positive, got ${durationSec}`);
  const fits = Math.min(count, Math.floor(durationSec / (seconds * 1.5)));
  if (fits < 1) return [{ startSec: 0, durationSec }];
  return Array.from({ length: fits }, (_, i) => {
    const centre = (durationSec * (2 * i + 1)) / (2 * fits);
    const startSec = Math.min(Math.max(0, centre - seconds / 2), durationSec - seconds);
    return { startSec: round3(startSec), durationSec: seconds };
  });
}

/** The reference frame size: the source's, brought down to 1080 lines when larger. */
export function referenceSize(source: FrameSize): FrameSize {
  const short = Math.min(source.width, source.height);
  if (short <= MAX_REFERENCE_HEIGHT) return { width: even(source.width), height: even(source.height) };
  const scale = MAX_REFERENCE_HEIGHT / short;
  return { width: even(source.width * scale), height: even(source.height * scale) };
}

/**
 * Cuts the windows out of `input` and joins them into one lossless (x264 qp 0) clip at the
 * reference size. Each window is its own input with an accurate seek (-ss and -t before -i), so
 * only the windows are decoded (from the keyframe before each), not the whole title: the cost
 * stays the same for a feature film as for a trailer. (The frames are those a trim of the whole
 * decode gives: framemd5-identical on every clip in ../shared/datasets/clips.)
 */
export function samplesArgs(o: { input: string; out: string; windows: readonly SampleWindow[]; size: FrameSize; videoStreamIndex?: number }): string[] {
  if (o.windows.length === 0) throw new RangeError('at least one sample window is needed');
  const stream = o.videoStreamIndex === undefined ? 'v:0' : String(o.videoStreamIndex);
  const inputs = o.windows.flatMap((w) => ['-ss', String(w.startSec), '-t', String(w.durationSec), '-i', o.input]);
  const labels = o.windows.map((_, i) => `[w${i}]`).join('');
  const filter = [
    ...o.windows.map((_, i) => `[${i}:${stream}]setpts=PTS-STARTPTS[w${i}]`),
    `${labels}concat=n=${o.windows.length}:v=1:a=0,scale=${o.size.width}:${o.size.height},setsar=1,format=yuv420p[ref]`,
  ].join(';');
  return ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning', ...inputs, '-filter_complex', filter, '-map', '[ref]', '-an',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-progress', 'pipe:1', '-nostats', o.out];
}

/**
 * The whole source, losslessly, at the reference size: what every rendition of a ladder is
 * scored against when measured over the full title (measureLadder.ts). No trim, so its frames
 * are exactly those the ladder encode decoded; `fps` reduces the rate as the ladder does (above 60).
 */
export function wholeReferenceArgs(o: { input: string; out: string; size: FrameSize; videoStreamIndex?: number; fps?: number }): string[] {
  const videoIn = o.videoStreamIndex === undefined ? '0:v:0' : `0:${o.videoStreamIndex}`;
  const rate = o.fps === undefined ? '' : `fps=${Number(o.fps.toFixed(6))},`;
  return ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning', '-i', o.input, '-map', videoIn, '-an',
    '-vf', `${rate}scale=${o.size.width}:${o.size.height},setsar=1,format=yuv420p`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-progress', 'pipe:1', '-nostats', o.out];
}

export interface Trial {
  width: number;
  height: number;
  crf: number;
  /** File name inside the trial directory. */
  file: string;
}

export function trialsFor(sizes: readonly FrameSize[], crfs: readonly number[] = TRIAL_CRFS): Trial[] {
  return sizes.flatMap((s) => crfs.map((crf) => ({ width: s.width, height: s.height, crf, file: `trial-${s.width}x${s.height}-crf${crf}.mp4` })));
}

/** Every trial from one decode of the samples clip: one scaler per size, one x264 per trial. */
export function trialArgs(o: { samples: string; outDir: string; trials: readonly Trial[]; preset: X264Preset }): string[] {
  if (o.trials.length === 0) throw new RangeError('no trials to encode');
  const sizes = [...new Map(o.trials.map((t) => [`${t.width}x${t.height}`, t])).values()];
  const parts = [`[0:v]split=${sizes.length}${sizes.map((_, i) => `[z${i}]`).join('')}`];
  const labelOf = new Map<Trial, string>();
  sizes.forEach((s, i) => {
    const mine = o.trials.filter((t) => t.width === s.width && t.height === s.height);
    mine.forEach((t, j) => labelOf.set(t, `t${i}_${j}`));
    parts.push(`[z${i}]scale=${s.width}:${s.height},setsar=1,split=${mine.length}${mine.map((t) => `[${labelOf.get(t)}]`).join('')}`);
  });
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning', '-i', o.samples, '-filter_complex', parts.join(';')];
  for (const t of o.trials) {
    args.push('-map', `[${labelOf.get(t)}]`, '-an', '-c:v', 'libx264', '-preset', o.preset, '-crf', String(t.crf), '-pix_fmt', 'yuv420p', join(o.outDir, t.file));
  }
  return args;
}

/**
 * Scores `distorted` against `reference`: the distorted picture is upscaled (bicubic, as a
 * player's screen would) to the reference size first. With a model, libvmaf writes a JSON log;
 * without, the psnr filter prints its average on stderr. `subsample` scores every n-th frame
 * (default VMAF_SUBSAMPLE).
 *
 * Frames are paired by their index, as the VMAF tools do: the filter pairs them by timestamp,
 * and Matroska's millisecond timestamps (41.667 ms at 24 fps becomes 42) would pair an MP4
 * frame with the reference frame before it, every third frame at 24 or 30 fps.
 */
export function scoreArgs(o: { distorted: string; reference: string; size: FrameSize; modelPath?: string; logPath: string; subsample?: number }): string[] {
  const byIndex = 'settb=AVTB,setpts=N';
  const scale = `[0:v]scale=${o.size.width}:${o.size.height}:flags=bicubic,setsar=1,format=yuv420p,${byIndex}[d];[1:v]setsar=1,format=yuv420p,${byIndex}[r]`;
  const subsample = o.subsample ?? VMAF_SUBSAMPLE;
  if (!(Number.isInteger(subsample) && subsample >= 1)) throw new RangeError(`subsample must be a whole number of at least 1, got ${subsample}`);
  const metric = o.modelPath
    ? `[d][r]libvmaf=model_path=${filterValue(o.modelPath)}:log_fmt=json:log_path=${filterValue(o.logPath)}:n_subsample=${subsample}`
    : '[d][r]psnr';
  return ['-hide_banner', '-nostdin', '-loglevel', 'info', '-i', o.distorted, '-i', o.reference, '-lavfi', `${scale};${metric}`, '-f', 'null', '-'];
}

/** The pooled VMAF of a libvmaf JSON log: `pooled_metrics` (libvmaf 2), `VMAF score` (1.x), or the mean over frames. */
export function parseVmafLog(json: string): number {
  const log = JSON.parse(json) as {
    pooled_metrics?: { vmaf?: { mean?: number } };
    'VMAF score'?: number;
    aggregate?: { VMAF_score?: number };
    frames?: { metrics?: { vmaf?: number } }[];
  };
  const pooled = log.pooled_metrics?.vmaf?.mean ?? log['VMAF score'] ?? log.aggregate?.VMAF_score;
  if (typeof pooled === 'number' && Number.isFinite(pooled)) return pooled;
  const frames = (log.frames ?? []).map((f) => f.metrics?.vmaf).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (frames.length === 0) throw new Error('the VMAF log holds no scores');
  return frames.reduce((a, b) => a + b, 0) / frames.length;
}

/** The average PSNR (dB) the psnr filter prints at the end; identical frames give "inf", capped at 100. */
export function parsePsnr(stderr: string): number {
  const m = /PSNR .*average:(inf|[\d.]+)/.exec(stderr);
  if (!m) throw new Error('ffmpeg printed no PSNR');
  return m[1] === 'inf' ? 100 : Number(m[1]);
}

/** Filter option values: ':' ',' '\'' and '\\' would end or break the option. */
function filterValue(v: string): string {
  return v.replace(/[\\':,[\];]/g, (c) => `\\${c}`);
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
const round3 = (n: number) => Math.round(n * 1000) / 1000;
