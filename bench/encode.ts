/**
 * bench:encode: per-title against fixed ladders on real clips, and encoding speed.
 *
 * Quality pass: each clip in --clips (default ../shared/datasets/clips; generated clips when
 * that folder is absent) is encoded twice with encodeVideo, once per ladder mode, and every
 * rendition of both is measured the same way: its actual bitrate (segment bytes over its
 * duration) and its VMAF over the whole clip, upscaled to the source size (measureLadder.ts).
 * The BD-rate of per-title against fixed is taken over the H.264 rungs only (every device gets
 * those); VP9 rungs (--quality-vp9-rungs, default none, to save time) are listed apart.
 *
 * Speed pass, afterwards and one encode at a time: the 1080p sources are encoded per-title, then
 * with the fixed ladder, with the full configured ladder (ENCODE_VP9_RUNGS VP9 rungs) and 1 and 2
 * chunk workers.
 * `realtimeFactor` is the speed of the full ladder encode: clip duration over the wall time from
 * the end of the per-title analysis to the packaged ladder (loudness measurement, every rung of
 * both codecs in chunks, packaging). The analysis before it (probe, samples, trial encodes and
 * their VMAF) works on at most three 2 s windows however long the title, so it is timed and
 * reported apart, and `realtimeFactorWithAnalysis` counts both. Scoring the final rungs,
 * images, and the bench's own VMAF measurements are not counted.
 *
 * Usage: npm run bench:encode [-- --clips DIR] [--json] [--only NAME,...] [--workers 1,2]
 *        [--vmaf-subsample 1] [--quality-vp9-rungs 0] [--parallel 1] [--skip-speed | --skip-quality] [--keep]
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { terminalReporter } from '../src/cli/progress.ts';
import {
  bdRate,
  encodeVideo,
  type EncodeStage,
  type EncodedVideo,
  makeDemoVideo,
  makeQualityReference,
  type MeasuredRendition,
  measureLadder,
  probeMedia,
} from '../src/modules/studio/index.ts';
import { loadConfig } from '../src/platform/config.ts';

const { values: args } = parseArgs({
  options: {
    clips: { type: 'string' },
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    workers: { type: 'string', default: '1,2' },
    'vmaf-subsample': { type: 'string', default: '1' },
    'quality-vp9-rungs': { type: 'string', default: '0' },
    parallel: { type: 'string', default: '1' },
    'skip-speed': { type: 'boolean', default: false },
    'skip-quality': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const config = loadConfig();
const require = createRequire(import.meta.url);
const ffmpegPath = config.ffmpegPath ?? (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
const ffprobePath = config.ffprobePath ?? (require('@ffprobe-installer/ffprobe') as { path: string }).path;
const vmafModelPath = config.vmafModelPath;
if (!vmafModelPath) throw new Error('bench:encode needs a VMAF model (VMAF_MODEL_PATH)');
const preset = config.encodePreset;
const vp9Rungs = config.encodeVp9Rungs;
const qualityVp9Rungs = Number(args['quality-vp9-rungs']);
const parallel = Number(args.parallel);
const subsample = Number(args['vmaf-subsample']);
const workerCounts = args.workers.split(',').map(Number);
if (workerCounts.some((n) => !(Number.isInteger(n) && n >= 1))) throw new Error(`--workers takes whole numbers, e.g. 1,2; got ${args.workers}`);

const DEFAULT_CLIPS = resolve(import.meta.dirname, '../../shared/datasets/clips');
const VIDEO_FILE = /\.(mp4|m4v|mov|mkv|webm)$/i;

const work = await mkdtemp(join(tmpdir(), 'bench-encode-'));
const reporter = terminalReporter();
const loadBefore = loadavg();

/** The clips to run: the folder's videos, or generated ones (1080p and 720p) when the default folder is absent. */
async function clipFiles(): Promise<{ files: string[]; generated: boolean }> {
  const dir = args.clips ?? DEFAULT_CLIPS;
  const exists = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!exists && args.clips) throw new Error(`no clips folder at ${dir}`);
  if (exists) {
    const files = (await readdir(dir)).filter((f) => VIDEO_FILE.test(f)).sort().map((f) => join(dir, f));
    return { files, generated: false };
  }
  const generatedDir = join(work, 'generated');
  await mkdir(generatedDir);
  const specs = [
    { kind: 'mandelbrot', width: 1920, height: 1080 },
    { kind: 'bars', width: 1920, height: 1080 },
    { kind: 'life', width: 1280, height: 720 },
  ] as const;
  const files: string[] = [];
  for (const s of specs) {
    const out = join(generatedDir, `${s.kind}_${s.width}x${s.height}_5s.mp4`);
    reporter.step(basename(out), 'generating', 0);
    await makeDemoVideo(ffmpegPath, s.kind, out, { seconds: 5, width: s.width, height: s.height, fps: 25, label: false });
    files.push(out);
  }
  return { files, generated: true };
}

/** Processor seconds of this process and its finished children (ffmpeg), from /proc: less noisy than wall time on a shared machine. */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name: utime, stime, cutime, cstime are fields 12-15 (0-based), in clock ticks.
  const ticks = [11, 12, 13, 14].reduce((t, i) => t + Number(fields[i]), 0);
  return ticks / 100;
}

interface TimedEncode {
  video: EncodedVideo;
  outDir: string;
  /** Probe + analysis + ladder encode. */
  ladderWallSec: number;
  ladderCpuSec: number;
  /** Probe + per-title analysis. */
  analysisWallSec: number;
  /** The ladder encode alone (what `realtimeFactor` counts): loudness, chunks, packaging. */
  encodeWallSec: number;
  encodeCpuSec: number;
  /** The whole encodeVideo call, also scoring the final rungs on the samples and making images. */
  totalWallSec: number;
}

async function timedEncode(source: string, clip: string, mode: 'per-title' | 'fixed', label: string, o: { workers: number; vp9Rungs: number }): Promise<TimedEncode> {
  const outDir = join(work, clip, label);
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  let prepared = { wall: t0, cpu: cpu0 };
  let ladderEnd: { wall: number; cpu: number } | undefined;
  const video = await encodeVideo({
    ffmpegPath,
    ffprobePath,
    sourcePath: source,
    outDir,
    preset,
    ladderMode: mode,
    vmafModelPath,
    vp9Rungs: o.vp9Rungs,
    chunkConcurrency: o.workers,
    onProgress: (stage: EncodeStage, fraction: number) => {
      if (stage === 'probe' || stage === 'analyse') prepared = { wall: performance.now(), cpu: cpuSeconds() };
      if ((stage === 'score' || stage === 'images') && !ladderEnd) ladderEnd = { wall: performance.now(), cpu: cpuSeconds() };
      reporter.step(clip, `${label}: ${stage}`, fraction);
    },
  });
  const end = performance.now();
  const ladder = ladderEnd ?? { wall: end, cpu: cpuSeconds() };
  return {
    video,
    outDir,
    ladderWallSec: (ladder.wall - t0) / 1000,
    ladderCpuSec: ladder.cpu - cpu0,
    analysisWallSec: (prepared.wall - t0) / 1000,
    encodeWallSec: (ladder.wall - prepared.wall) / 1000,
    encodeCpuSec: ladder.cpu - prepared.cpu,
    totalWallSec: (end - t0) / 1000,
  };
}

interface Rung {
  height: number;
  kbps: number;
  vmaf: number;
}

interface RungRow extends Rung {
  width: number;
  codec: string;
  crf: number | null;
}

/** Measured renditions in rung order, with the CRF each was encoded at. */
function rungRows(measured: MeasuredRendition[], video: EncodedVideo): RungRow[] {
  const sorted = [...measured].sort((a, b) => Number(a.id) - Number(b.id));
  return sorted.map((m, i) => {
    const rung = video.ladder.rungs[i];
    if (!rung || rung.width !== m.width || rung.height !== m.height) throw new Error(`rendition ${m.id} (${m.width}x${m.height}) does not match rung ${i} of the ladder report`);
    return { width: m.width, height: m.height, codec: m.codec, crf: rung.crf, kbps: m.kbps, vmaf: m.vmaf };
  });
}

const isH264 = (r: RungRow) => r.codec.startsWith('avc1');
const toRung = (r: RungRow): Rung => ({ height: r.height, kbps: r.kbps, vmaf: r.vmaf });
/** A 1080p source: it fills the 1080p box on one side (1920x1080, or 1920x818 scope). */
const is1080p = (w: number, h: number) => Math.max(w, h) >= 1920 || Math.min(w, h) >= 1080;

interface ClipResult {
  name: string;
  source: string;
  width: number;
  height: number;
  fps: number;
  durationSec: number;
  /** False with --skip-quality: the clip was only timed. */
  measured: boolean;
  fixed: RungRow[];
  perTitle: RungRow[];
  bd: ReturnType<typeof bdRate>;
  speed: { pass: 'quality' | 'speed'; mode: string; workers: number; vp9Rungs: number; t: TimedEncode }[];
}

const { files, generated } = await clipFiles();
const selected = args.only ? files.filter((f) => args.only!.split(',').some((o) => basename(f).includes(o))) : files;

async function qualityOf(source: string): Promise<ClipResult> {
  const name = basename(source).replace(VIDEO_FILE, '');
  const info = await probeMedia(ffprobePath, source);
  if (args['skip-quality']) return { name, source, width: info.width, height: info.height, fps: info.fps, durationSec: info.durationSec, measured: false, fixed: [], perTitle: [], bd: null, speed: [] };
  await mkdir(join(work, name), { recursive: true });
  const quality = { workers: 1, vp9Rungs: qualityVp9Rungs };
  const perTitle = await timedEncode(source, name, 'per-title', 'per-title', quality);
  const fixed = await timedEncode(source, name, 'fixed', 'fixed', quality);

  reporter.step(name, 'reference', 0);
  const measureDir = join(work, name, 'measure');
  await mkdir(measureDir);
  const reference = await makeQualityReference({ ffmpegPath, sourcePath: source, info, workDir: measureDir });
  const measure = async (t: TimedEncode, label: string) =>
    rungRows(await measureLadder({ ffmpegPath, ffprobePath, encodedDir: t.outDir, reference, vmafModelPath: vmafModelPath!, workDir: measureDir, subsample, onProgress: (f) => reporter.step(name, `VMAF ${label}`, f) }), t.video);
  const perTitleRows = await measure(perTitle, 'per-title');
  const fixedRows = await measure(fixed, 'fixed');
  const bd = bdRate(fixedRows.filter(isH264).map((r) => ({ kbps: r.kbps, score: r.vmaf })), perTitleRows.filter(isH264).map((r) => ({ kbps: r.kbps, score: r.vmaf })));
  reporter.done(name);
  reporter.info(`${name}: BD-rate ${bd ? bd.percent.toFixed(1) : '–'} %; fixed ${JSON.stringify(fixedRows)}; per-title ${JSON.stringify(perTitleRows)}`);
  if (!args.keep) await rm(join(work, name), { recursive: true, force: true });
  return {
    name, source, width: info.width, height: info.height, fps: info.fps, durationSec: info.durationSec, measured: true, fixed: fixedRows, perTitle: perTitleRows, bd,
    speed: [{ pass: 'quality', mode: 'per-title', workers: 1, vp9Rungs: qualityVp9Rungs, t: perTitle }, { pass: 'quality', mode: 'fixed', workers: 1, vp9Rungs: qualityVp9Rungs, t: fixed }],
  };
}

// Quality pass, `parallel` clips at a time (results kept in folder order).
const results: ClipResult[] = new Array<ClipResult>(selected.length);
let next = 0;
await Promise.all(
  Array.from({ length: Math.max(1, Math.min(parallel, selected.length)) }, async () => {
    while (next < selected.length) {
      const i = next++;
      results[i] = await qualityOf(selected[i]!);
    }
  }),
);

// Speed pass: alone, one encode at a time, the full configured ladder.
if (!args['skip-speed']) {
  for (const r of results.filter((x) => is1080p(x.width, x.height))) {
    for (const mode of ['per-title', 'fixed'] as const) {
      for (const workers of workerCounts) {
        const label = `speed-${mode}-${workers}-workers`;
        const t = await timedEncode(r.source, r.name, mode, label, { workers, vp9Rungs });
        r.speed.push({ pass: 'speed', mode, workers, vp9Rungs, t });
        reporter.info(`${r.name}: ${mode}, ${workers} worker(s): ladder encode ${t.encodeWallSec.toFixed(1)} s wall (${t.encodeCpuSec.toFixed(1)} s CPU) after probe+analysis ${t.analysisWallSec.toFixed(1)} s`);
        if (!args.keep) await rm(join(work, r.name), { recursive: true, force: true });
      }
    }
    reporter.done(r.name);
  }
}
reporter.stop();
const loadAfter = loadavg();
if (!args.keep) await rm(work, { recursive: true, force: true });

// Speed over the 1080p sources: total clip seconds over total wall (or processor) seconds.
const speedOf = (pick: (r: ClipResult) => TimedEncode | undefined, part: 'encode' | 'ladder' = 'encode') => {
  const runs = results.filter((r) => is1080p(r.width, r.height)).map((r) => ({ duration: r.durationSec, t: pick(r) })).filter((x): x is { duration: number; t: TimedEncode } => x.t !== undefined);
  if (runs.length === 0) return null;
  const duration = runs.reduce((s, x) => s + x.duration, 0);
  const wall = runs.reduce((s, x) => s + (part === 'encode' ? x.t.encodeWallSec : x.t.ladderWallSec), 0);
  const cpu = runs.reduce((s, x) => s + (part === 'encode' ? x.t.encodeCpuSec : x.t.ladderCpuSec), 0);
  // From processor time: the rate if both cores were ours and kept busy (an upper bound on 2 cores).
  return { wall: round(duration / wall, 3), ifIdle2Cores: round(duration / (cpu / 2), 3) };
};
const speedRun = (mode: 'per-title' | 'fixed', workers: number) => (r: ClipResult) => r.speed.find((s) => s.pass === 'speed' && s.mode === mode && s.workers === workers)?.t;
const perTitleRun = (workers: number) => speedRun('per-title', workers);
const byWorkers = Object.fromEntries(workerCounts.map((n) => [String(n), speedOf(perTitleRun(n))]));
const mostWorkers = Math.max(...workerCounts);
const realtime = byWorkers[String(mostWorkers)] ?? null;
const withAnalysisByWorkers = Object.fromEntries(workerCounts.map((n) => [String(n), speedOf(perTitleRun(n), 'ladder')]));
const withAnalysis = withAnalysisByWorkers[String(mostWorkers)] ?? null;
const fixedByWorkers = Object.fromEntries(workerCounts.map((n) => [String(n), speedOf(speedRun('fixed', n))]));
const fixedSpeed = fixedByWorkers[String(mostWorkers)] ?? null;

const measured = results.filter((r) => r.measured);
const savings = measured.map((r) => (r.bd ? -r.bd.percent : null));
const counted = savings.filter((s): s is number => s !== null);
const meanSaving = counted.length > 0 ? round(counted.reduce((a, b) => a + b, 0) / counted.length, 1) : null;

const fmt = (n: number | null | undefined, d = 1) => (n === null || n === undefined ? '–' : n.toFixed(d));
const size = (r: RungRow) => `${r.width}x${r.height}`;
const lines: string[] = [
  `bench:encode — ${results.length} clip(s)${generated ? ' (generated: the clips folder is absent)' : ` from ${args.clips ?? DEFAULT_CLIPS}`}; x264 ${preset}; quality pass ${qualityVp9Rungs} VP9 rung(s), ${parallel} clip(s) at a time; speed pass ${vp9Rungs} VP9 rung(s); VMAF ${basename(vmafModelPath)} on ${subsample === 1 ? 'every frame' : `every ${subsample}th frame`} of the whole clip, upscaled (bicubic) to the source size (at most 1080 lines)`,
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after (shared machine)`,
];
for (const r of measured) {
  lines.push('', `### ${r.name} (${r.width}x${r.height}, ${fmt(r.fps, 2)} fps, ${fmt(r.durationSec, 2)} s)`, '');
  lines.push('| rung | fixed: size | kbps | VMAF | per-title: size | CRF | kbps | VMAF |', '|---|---|---|---|---|---|---|---|');
  const fixedH264 = r.fixed.filter(isH264);
  const perTitleH264 = r.perTitle.filter(isH264);
  for (let i = 0; i < Math.max(fixedH264.length, perTitleH264.length); i++) {
    const f = fixedH264[i];
    const p = perTitleH264[i];
    lines.push(`| ${i + 1} | ${f ? size(f) : ''} | ${f ? Math.round(f.kbps) : ''} | ${f ? fmt(f.vmaf) : ''} | ${p ? size(p) : ''} | ${p?.crf ?? ''} | ${p ? Math.round(p.kbps) : ''} | ${p ? fmt(p.vmaf) : ''} |`);
  }
  const vp9 = (rows: RungRow[]) => rows.filter((x) => !isH264(x)).map((x) => `${size(x)} ${Math.round(x.kbps)} kbps VMAF ${fmt(x.vmaf)}`).join(', ') || 'none';
  lines.push('', `VP9 (not in the BD-rate): fixed ${vp9(r.fixed)}; per-title ${vp9(r.perTitle)}`);
  lines.push(
    r.bd
      ? `BD-rate of per-title against fixed (H.264 rungs, VMAF ${fmt(r.bd.scoreRange[0])}–${fmt(r.bd.scoreRange[1])}): ${fmt(r.bd.percent)} % (${r.bd.percent <= 0 ? `saves ${fmt(-r.bd.percent)} %` : `costs ${fmt(r.bd.percent)} % more`})`
      : 'BD-rate: the two ladders share no VMAF range; not counted in the mean',
  );
}
lines.push('', '### Speed (wall time on the shared machine; "from CPU": clip duration over half the processor time, i.e. if both cores were ours and busy)', '');
lines.push('| clip | pass | ladder | VP9 rungs | workers | ladder encode s | x real time | from CPU | probe+analysis s | with analysis: x real time | whole encodeVideo s |', '|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  for (const s of r.speed) {
    lines.push(`| ${r.name} | ${s.pass}${s.pass === 'quality' && parallel > 1 ? ` (${parallel} clips at a time)` : ''} | ${s.mode} | ${s.vp9Rungs} | ${s.workers} | ${fmt(s.t.encodeWallSec)} | ${fmt(r.durationSec / s.t.encodeWallSec, 3)} | ${fmt(r.durationSec / (s.t.encodeCpuSec / 2), 3)} | ${fmt(s.t.analysisWallSec)} | ${fmt(r.durationSec / s.t.ladderWallSec, 3)} | ${fmt(s.t.totalWallSec)} |`);
  }
}
lines.push(
  '',
  `mean BD-rate saving of per-title over fixed: ${fmt(meanSaving)} % over ${counted.length} clip(s) (goal ≥ 20 %: ${meanSaving !== null && meanSaving >= 20 ? 'met' : 'not met'})`,
  `speed pass, 1080p sources, per-title, full ladder encode: ${workerCounts.map((n) => `${n} worker(s) ${fmt(byWorkers[String(n)]?.wall, 3)}x real time (${fmt(byWorkers[String(n)]?.ifIdle2Cores, 3)}x from CPU)`).join('; ')} (goal ≥ 1x on 2 cores: ${realtime && realtime.wall >= 1 ? 'met' : 'not met'}); with the probe and per-title analysis of these short clips counted too: ${workerCounts.map((n) => `${n} worker(s) ${fmt(withAnalysisByWorkers[String(n)]?.wall, 3)}x`).join('; ')}; fixed ladder encode: ${workerCounts.map((n) => `${n} worker(s) ${fmt(fixedByWorkers[String(n)]?.wall, 3)}x`).join('; ')}`,
);

if (!args.json || process.stdout.isTTY) console.log(lines.join('\n'));
if (args.json) {
  console.log(
    JSON.stringify({
      clips: measured.map((r, i) => ({
        name: r.name,
        bdRateSavingPct: savings[i] === null ? null : round(savings[i]!, 1),
        fixed: r.fixed.filter(isH264).map(toRung),
        perTitle: r.perTitle.filter(isH264).map(toRung),
        vp9: { fixed: r.fixed.filter((x) => !isH264(x)).map(toRung), perTitle: r.perTitle.filter((x) => !isH264(x)).map(toRung) },
      })),
      meanBdRateSavingPct: meanSaving,
      realtimeFactor: realtime?.wall ?? null,
      realtimeFactorByWorkers: Object.fromEntries(workerCounts.map((n) => [String(n), byWorkers[String(n)]?.wall ?? null])),
      realtimeFactorFromCpuByWorkers: Object.fromEntries(workerCounts.map((n) => [String(n), byWorkers[String(n)]?.ifIdle2Cores ?? null])),
      realtimeFactorWithAnalysis: withAnalysis?.wall ?? null,
      realtimeFactorWithAnalysisByWorkers: Object.fromEntries(workerCounts.map((n) => [String(n), withAnalysisByWorkers[String(n)]?.wall ?? null])),
      fixedLadderRealtimeFactor: fixedSpeed?.wall ?? null,
      fixedLadderRealtimeFactorByWorkers: Object.fromEntries(workerCounts.map((n) => [String(n), fixedByWorkers[String(n)]?.wall ?? null])),
      loadAverage: round(loadAfter[0]!, 1),
    }),
  );
}

function round(n: number, d: number): number {
  return Math.round(n * 10 ** d) / 10 ** d;
}
