/**
 * Measuring an encoded ladder as viewers get it (I/O): for every video rendition in the MPD,
 * its actual bitrate (the bytes of its init and media segments over its own duration) and its
 * VMAF over the whole title, upscaled to the reference size. bench:encode compares per-title
 * and fixed ladders with it; the per-title analysis itself scores only sample windows.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FrameSize } from './dimensions.ts';
import { DASH_MANIFEST, outputFps } from './encodeArgs.ts';
import { readRepresentations, segmentName } from './manifests.ts';
import { probeMedia, type MediaInfo } from './probe.ts';
import { parseVmafLog, referenceSize, scoreArgs, wholeReferenceArgs } from './qualityArgs.ts';
import { runFfmpeg } from './runFfmpeg.ts';

export interface QualityReference {
  /** The whole source, lossless, at `size`. */
  path: string;
  size: FrameSize;
  durationSec: number;
}

export interface MeasuredRendition {
  /** Representation id in the MPD. */
  id: string;
  /** RFC 6381 codec string from the MPD. */
  codec: string;
  width: number;
  height: number;
  /** Segment bytes (init included) over the rendition's duration. */
  kbps: number;
  /** Pooled (mean) VMAF over the whole title. */
  vmaf: number;
}

/** Makes the reference every rendition of the source is scored against (once per source, shared by ladders). */
export async function makeQualityReference(o: { ffmpegPath: string; sourcePath: string; info: MediaInfo; workDir: string; signal?: AbortSignal }): Promise<QualityReference> {
  const size = referenceSize(o.info);
  const path = join(o.workDir, 'reference.mkv');
  const fps = outputFps(o.info.fps);
  await runFfmpeg(o.ffmpegPath, wholeReferenceArgs({ input: o.sourcePath, out: path, size, videoStreamIndex: o.info.videoStreamIndex, ...(fps < o.info.fps ? { fps } : {}) }), {
    durationSec: o.info.durationSec,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return { path, size, durationSec: o.info.durationSec };
}

/**
 * Every video rendition of the ladder in `encodedDir` (an encodeVideo output directory), in
 * MPD order. Needs a VMAF model: a PSNR fallback would make the figures incomparable.
 */
export async function measureLadder(o: {
  ffmpegPath: string;
  ffprobePath: string;
  encodedDir: string;
  reference: QualityReference;
  vmafModelPath: string;
  workDir: string;
  /** Score every n-th frame (default 1: every frame). */
  subsample?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}): Promise<MeasuredRendition[]> {
  const modelFound = await stat(o.vmafModelPath).then((s) => s.isFile(), () => false);
  if (!modelFound) throw new Error(`no VMAF model at ${o.vmafModelPath}`);
  const representations = readRepresentations(await readFile(join(o.encodedDir, DASH_MANIFEST), 'utf8')).filter((r) => r.mimeType.startsWith('video/'));
  const measured: MeasuredRendition[] = [];
  o.onProgress?.(0);
  for (const [i, rep] of representations.entries()) {
    if (!rep.initialization || !rep.media || !rep.width || !rep.height) throw new Error(`MPD representation ${rep.id} has no segment template or size`);
    const files = [segmentName(rep.initialization, rep.id)];
    for (let n = 1; await isFile(join(o.encodedDir, segmentName(rep.media, rep.id, n))); n++) files.push(segmentName(rep.media, rep.id, n));
    const joined = join(o.workDir, `rendition-${rep.id}.mp4`);
    const bytes = await concatenate(files.map((f) => join(o.encodedDir, f)), joined);
    const { durationSec } = await probeMedia(o.ffprobePath, joined);
    const logPath = join(o.workDir, `rendition-${rep.id}.vmaf.json`);
    const args = scoreArgs({ distorted: joined, reference: o.reference.path, size: o.reference.size, modelPath: o.vmafModelPath, logPath, subsample: o.subsample ?? 1 });
    await runFfmpeg(o.ffmpegPath, args, {
      durationSec: o.reference.durationSec,
      onProgress: (f) => o.onProgress?.((i + f) / representations.length),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const vmaf = parseVmafLog(await readFile(logPath, 'utf8'));
    measured.push({ id: rep.id, codec: rep.codecs, width: rep.width, height: rep.height, kbps: round1((bytes * 8) / 1000 / durationSec), vmaf: round2(vmaf) });
    await rm(joined, { force: true });
    o.onProgress?.((i + 1) / representations.length);
  }
  return measured;
}

/** Writes `files` one after another into `out`; returns the bytes written. */
async function concatenate(files: string[], out: string): Promise<number> {
  const handle = await open(out, 'w');
  let bytes = 0;
  try {
    for (const f of files) {
      const data = await readFile(f);
      await handle.write(data);
      bytes += data.length;
    }
  } finally {
    await handle.close();
  }
  return bytes;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
