/**
 * Encoding one uploaded video end to end: probe, choose the ladder, encode it to CMAF with a
 * DASH MPD and HLS playlists, then make the poster and thumbnails.
 *
 * Everything is written into a hidden staging directory inside `outDir` and moved into place
 * only once all of it exists (manifests last), so a failed or aborted encode publishes nothing
 * and a reader never sees a manifest whose segments are missing.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIO_CODEC, DASH_MANIFEST, HLS_MASTER, ladderArgs, type X264Preset } from './encodeArgs.ts';
import { POSTER_FILE, posterArgs, THUMBNAIL_INTERVAL_SEC, thumbnailArgs } from './imageArgs.ts';
import { chooseLadder, DEFAULT_LADDER, type LadderStep, type Rung } from './ladder.ts';
import { playlistUris, readRepresentations } from './manifests.ts';
import { MediaRejectedError } from './mediaRejectedError.ts';
import { probeMedia, type MediaInfo } from './probe.ts';
import { FfmpegError, runFfmpeg } from './runFfmpeg.ts';

export type EncodeStage = 'probe' | 'encode' | 'images';

export interface EncodeVideoOptions {
  ffmpegPath: string;
  ffprobePath: string;
  sourcePath: string;
  /** Created if missing. Use a fresh directory per encode: files from an earlier encode are not removed. */
  outDir: string;
  preset?: X264Preset;
  /** Capped-CRF quality target (default 23). */
  crf?: number;
  segmentSec?: number;
  ladder?: readonly LadderStep[];
  /** Fraction is 0..1 within each stage; stages run in the order probe, encode, images. */
  onProgress?: (stage: EncodeStage, fraction: number) => void;
  /** Aborting kills ffmpeg, removes the staging directory and rejects with the abort reason. */
  signal?: AbortSignal;
}

export interface EncodedRendition {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  /** RFC 6381 codec string as written in the MPD, e.g. 'avc1.64001f'. */
  codec: string;
}

export interface EncodedVideo {
  durationSec: number;
  width: number;
  height: number;
  fps: number;
  segmentSec: number;
  renditions: EncodedRendition[];
  /** Whether there is an audio rendition (AAC-LC stereo, `audioCodec`). */
  audio: boolean;
  audioCodec?: string;
  /** Relative to outDir. */
  files: {
    dash: string;
    hls: string;
    poster: string;
    /** thumb_001.jpg shows 0 s, thumb_002.jpg `thumbnailIntervalSec`, and so on. */
    thumbnails: string[];
  };
  thumbnailIntervalSec: number;
}

/**
 * A decode that stops this far short of the probed duration means the file is truncated or
 * damaged even if ffmpeg exited cleanly (it does, for an MP4 cut off after its index).
 */
function minimumDecodedSec(durationSec: number): number {
  return durationSec - Math.max(1, durationSec * 0.1);
}

/** stderr lines that mean the machine, not the media, is at fault: those stay ordinary errors. */
const OUR_FAULT = /No space left on device|Cannot allocate memory|Permission denied|Unrecognized option|Option \S+ not found|Error parsing options|No such filter/i;

export async function encodeVideo(opts: EncodeVideoOptions): Promise<EncodedVideo> {
  const { ffmpegPath, ffprobePath, sourcePath, outDir, preset = 'veryfast', crf = 23, segmentSec = 4, signal } = opts;
  const progress = (stage: EncodeStage, fraction: number) => opts.onProgress?.(stage, fraction);

  progress('probe', 0);
  const info = await probeMedia(ffprobePath, sourcePath);
  signal?.throwIfAborted();
  progress('probe', 1);

  const rungs = chooseLadder(info, opts.ladder ?? DEFAULT_LADDER);
  await mkdir(outDir, { recursive: true });
  const staging = await mkdtemp(join(outDir, '.encoding-'));
  try {
    await encodeLadder(ffmpegPath, info, rungs, { sourcePath, staging, preset, crf, segmentSec, signal, progress });
    const { poster, thumbnails } = await makeImages(ffmpegPath, info, { sourcePath, staging, signal, progress });
    const renditions = await readRenditions(staging, rungs);
    await checkReferencedFiles(staging);
    await publish(staging, outDir);
    return {
      durationSec: info.durationSec,
      width: info.width,
      height: info.height,
      fps: info.fps,
      segmentSec,
      renditions,
      audio: info.hasAudio,
      ...(info.hasAudio ? { audioCodec: AUDIO_CODEC } : {}),
      files: { dash: DASH_MANIFEST, hls: HLS_MASTER, poster, thumbnails },
      thumbnailIntervalSec: THUMBNAIL_INTERVAL_SEC,
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

interface StageContext {
  sourcePath: string;
  staging: string;
  signal: AbortSignal | undefined;
  progress: (stage: EncodeStage, fraction: number) => void;
}

async function encodeLadder(
  ffmpegPath: string,
  info: MediaInfo,
  rungs: Rung[],
  ctx: StageContext & { preset: X264Preset; crf: number; segmentSec: number },
): Promise<void> {
  const args = ladderArgs({
    input: ctx.sourcePath,
    outDir: ctx.staging,
    rungs,
    durationSec: info.durationSec,
    fps: info.fps,
    hasAudio: info.hasAudio,
    segmentSec: ctx.segmentSec,
    preset: ctx.preset,
    crf: ctx.crf,
    videoStreamIndex: info.videoStreamIndex,
    ...(info.audioStreams[0] ? { audioStreamIndex: info.audioStreams[0].index } : {}),
  });
  ctx.progress('encode', 0);
  const result = await runFfmpeg(ffmpegPath, args, {
    durationSec: info.durationSec,
    onProgress: (f) => ctx.progress('encode', f),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  }).catch((e: unknown) => {
    throw asMediaRejection(e, 'the video could not be decoded');
  });
  if (result.outTimeSec < minimumDecodedSec(info.durationSec)) {
    throw new MediaRejectedError(
      'media_corrupt',
      `only ${result.outTimeSec.toFixed(1)} s of the video's ${info.durationSec.toFixed(1)} s could be decoded`,
      result.stderrTail,
    );
  }
}

async function makeImages(ffmpegPath: string, info: MediaInfo, ctx: StageContext): Promise<{ poster: string; thumbnails: string[] }> {
  const run = (args: string[], onProgress?: (f: number) => void) =>
    runFfmpeg(ffmpegPath, args, {
      durationSec: info.durationSec,
      ...(onProgress ? { onProgress } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    }).catch((e: unknown) => {
      throw asMediaRejection(e, 'no picture could be extracted from the video');
    });
  const source = { width: info.width, height: info.height };
  const posterPath = join(ctx.staging, POSTER_FILE);

  ctx.progress('images', 0);
  await run(posterArgs({ input: ctx.sourcePath, outPath: posterPath, durationSec: info.durationSec, source, videoStreamIndex: info.videoStreamIndex }));
  // A third of the way in can be past the last video frame when the audio runs longer: fall back to the start.
  if (!(await exists(posterPath))) {
    await run(posterArgs({ input: ctx.sourcePath, outPath: posterPath, durationSec: info.durationSec, source, atSec: 0, videoStreamIndex: info.videoStreamIndex }));
  }
  if (!(await exists(posterPath))) throw new MediaRejectedError('media_corrupt', 'no picture could be extracted from the video');
  ctx.progress('images', 0.1);

  await run(thumbnailArgs({ input: ctx.sourcePath, outDir: ctx.staging, source, videoStreamIndex: info.videoStreamIndex }), (f) =>
    ctx.progress('images', 0.1 + 0.9 * f),
  );
  const thumbnails = (await readdir(ctx.staging)).filter((f) => /^thumb_\d+\.jpg$/.test(f)).sort();
  return { poster: POSTER_FILE, thumbnails };
}

/** Codec strings come from the MPD: x264 picks the level from size and bitrate, so we read what it chose. */
async function readRenditions(staging: string, rungs: Rung[]): Promise<EncodedRendition[]> {
  const reps = readRepresentations(await readFile(join(staging, DASH_MANIFEST), 'utf8'));
  return rungs.map((rung, i) => {
    // Output stream i is rung i (video is mapped first, in ladder order), and the dash muxer numbers representations by stream.
    const rep = reps.find((r) => r.id === String(i));
    if (!rep || !rep.codecs.startsWith('avc1.') || rep.width !== rung.width || rep.height !== rung.height) {
      throw new Error(`the MPD has no ${rung.width}x${rung.height} H.264 representation ${i} for rung ${rung.name}`);
    }
    return { name: rung.name, width: rung.width, height: rung.height, videoKbps: rung.videoKbps, codec: rep.codecs };
  });
}

/** Before publishing: the HLS master, every media playlist and every segment they list must exist. */
async function checkReferencedFiles(staging: string): Promise<void> {
  const missing: string[] = [];
  const master = await readFile(join(staging, HLS_MASTER), 'utf8');
  for (const playlist of playlistUris(master)) {
    if (!(await exists(join(staging, playlist)))) {
      missing.push(playlist);
      continue;
    }
    for (const uri of playlistUris(await readFile(join(staging, playlist), 'utf8'))) {
      if (!(await exists(join(staging, uri)))) missing.push(uri);
    }
  }
  if (missing.length > 0) throw new Error(`the encode is missing files its playlists reference: ${missing.slice(0, 5).join(', ')}`);
}

/** Segments and images first, media playlists next, then the HLS master and the MPD. */
async function publish(staging: string, outDir: string): Promise<void> {
  const rank = (f: string) => (f === DASH_MANIFEST ? 3 : f === HLS_MASTER ? 2 : f.endsWith('.m3u8') ? 1 : 0);
  const files = (await readdir(staging)).sort((a, b) => rank(a) - rank(b));
  for (const f of files) await rename(join(staging, f), join(outDir, f));
}

function asMediaRejection(e: unknown, message: string): unknown {
  // Aborts, ffmpeg that could not start, and ffmpeg killed by a signal (OOM killer) are not the upload's fault.
  if (!(e instanceof FfmpegError) || e.exitSignal !== null || OUR_FAULT.test(e.stderrTail)) return e;
  return new MediaRejectedError('media_corrupt', message, e.stderrTail, { cause: e });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.size > 0,
    () => false,
  );
}
