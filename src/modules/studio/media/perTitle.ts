/**
 * The per-title analysis (I/O): cut samples, trial-encode them, score the trials, and pick the
 * ladder from the convex hull; later, score the final renditions on the same samples.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildConvexHull, chooseLadder, type HullPoint, QUALITY_RULES, type QualityMetric } from './convexHull.ts';
import type { FrameSize } from './dimensions.ts';
import type { X264Preset } from './encodeArgs.ts';
import { trialSizes } from './ladder.ts';
import type { MediaInfo } from './probe.ts';
import { parsePsnr, parseVmafLog, referenceSize, sampleWindows, samplesArgs, scoreArgs, trialArgs, trialsFor, type SampleWindow } from './qualityArgs.ts';
import { runFfmpeg } from './runFfmpeg.ts';

export interface Scorer {
  ffmpegPath: string;
  /** The VMAF model; undefined scores with PSNR. */
  modelPath: string | undefined;
  signal: AbortSignal | undefined;
}

export interface TitleAnalysis {
  metric: QualityMetric;
  /** Why the metric is not VMAF, for logs and the studio page. */
  note?: string;
  samples: SampleWindow[];
  /** Frame size the samples were scored at (the source's, at most 1080 lines). */
  referenceSize: FrameSize;
  /** The lossless samples clip, kept for scoring the final renditions. */
  samplesPath: string;
  points: HullPoint[];
  hull: HullPoint[];
  chosen: HullPoint[];
}

/** The model to score with, or why there is none: a missing file falls back to PSNR rather than failing uploads. */
export async function resolveMetric(modelPath: string | undefined): Promise<{ metric: QualityMetric; modelPath?: string; note?: string }> {
  if (!modelPath) return { metric: 'psnr', note: 'no VMAF model configured (VMAF_MODEL_PATH): scored with PSNR' };
  const found = await stat(modelPath).then((s) => s.isFile(), () => false);
  if (!found) return { metric: 'psnr', note: `no VMAF model at ${modelPath}: scored with PSNR` };
  return { metric: 'vmaf', modelPath };
}

export async function analyseTitle(o: {
  ffmpegPath: string;
  sourcePath: string;
  info: MediaInfo;
  workDir: string;
  preset: X264Preset;
  vmafModelPath: string | undefined;
  signal: AbortSignal | undefined;
  onProgress: (fraction: number) => void;
}): Promise<TitleAnalysis> {
  const { metric, modelPath, note } = await resolveMetric(o.vmafModelPath);
  const scorer: Scorer = { ffmpegPath: o.ffmpegPath, modelPath, signal: o.signal };
  const samples = sampleWindows(o.info.durationSec);
  const sampleSec = samples.reduce((t, w) => t + w.durationSec, 0);
  const size = referenceSize(o.info);
  const samplesPath = join(o.workDir, 'samples.mkv');
  const run = (args: string[]) => runFfmpeg(o.ffmpegPath, args, { durationSec: sampleSec, ...(o.signal ? { signal: o.signal } : {}) });

  o.onProgress(0);
  await run(samplesArgs({ input: o.sourcePath, out: samplesPath, windows: samples, size, videoStreamIndex: o.info.videoStreamIndex }));
  const trials = trialsFor(trialSizes(o.info));
  await run(trialArgs({ samples: samplesPath, outDir: o.workDir, trials, preset: o.preset }));
  o.onProgress(0.25);

  const points: HullPoint[] = [];
  for (const [i, t] of trials.entries()) {
    const path = join(o.workDir, t.file);
    const kbps = ((await stat(path)).size * 8) / 1000 / sampleSec;
    const score = await scoreClip(scorer, path, samplesPath, size, join(o.workDir, `${t.file}.vmaf.json`), sampleSec);
    points.push({ width: t.width, height: t.height, crf: t.crf, kbps: round1(kbps), score: round2(score) });
    o.onProgress(0.25 + (0.75 * (i + 1)) / trials.length);
  }
  const hull = buildConvexHull(points);
  return { metric, ...(note ? { note } : {}), samples, referenceSize: size, samplesPath, points, hull, chosen: chooseLadder(hull, QUALITY_RULES[metric]) };
}

/**
 * Scores a final rendition: the same windows are cut from it (at its own size, losslessly)
 * and compared with the samples clip, so trial and final scores are measured alike.
 */
export async function scoreRendition(
  scorer: Scorer,
  analysis: Pick<TitleAnalysis, 'samples' | 'samplesPath' | 'referenceSize'>,
  rendition: { path: string; width: number; height: number },
  workDir: string,
  name: string,
): Promise<number> {
  const sampleSec = analysis.samples.reduce((t, w) => t + w.durationSec, 0);
  const cut = join(workDir, `final-${name}.mkv`);
  await runFfmpeg(scorer.ffmpegPath, samplesArgs({ input: rendition.path, out: cut, windows: analysis.samples, size: { width: rendition.width, height: rendition.height } }), {
    durationSec: sampleSec,
    ...(scorer.signal ? { signal: scorer.signal } : {}),
  });
  return round2(await scoreClip(scorer, cut, analysis.samplesPath, analysis.referenceSize, join(workDir, `final-${name}.vmaf.json`), sampleSec));
}

async function scoreClip(scorer: Scorer, distorted: string, reference: string, size: FrameSize, logPath: string, durationSec: number): Promise<number> {
  const result = await runFfmpeg(scorer.ffmpegPath, scoreArgs({ distorted, reference, size, logPath, ...(scorer.modelPath ? { modelPath: scorer.modelPath } : {}) }), {
    durationSec,
    ...(scorer.signal ? { signal: scorer.signal } : {}),
  });
  return scorer.modelPath ? parseVmafLog(await readFile(logPath, 'utf8')) : parsePsnr(result.stderrTail);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
