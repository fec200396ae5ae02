/**
 * Encoding one uploaded video end to end: probe, choose the ladder, encode it to CMAF with a
 * DASH MPD and HLS playlists, then make the poster and thumbnails.
 *
 * Everything is written into a hidden staging directory inside `outDir` and moved into place
 * only once all of it exists (manifests last), so a failed or aborted encode publishes nothing
 * and a reader never sees a manifest whose segments are missing.
 */
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AAC_LC, audioOutputs, type AudioOutput } from './audioArgs.ts';
import { labelHlsAudio } from './audioManifests.ts';
import { DASH_MANIFEST, HLS_MASTER, ladderArgs, outputFps, type X264Preset } from './encodeArgs.ts';
import { POSTER_FILE, POSTER_WIDTH, posterArgs, THUMBNAIL_INTERVAL_SEC, THUMBNAIL_WIDTH, thumbnailArgs } from './imageArgs.ts';
import { BACKDROP_FILE, BACKDROP_WIDTH, candidateIntervalSec, choosePosterFrames, frameMeasurements, frameStatsArgs, type FrameChoice } from './posterChoice.ts';
import { spriteArgs, trickplayLayout, trickplayVtt, TRICKPLAY_VTT } from './trickplay.ts';
import type { HullPoint, QualityMetric } from './convexHull.ts';
import { measureLoudness } from './loudness.ts';
import { fixedLadder, DEFAULT_LADDER, perTitleRungs, withSecondCodec, type LadderStep, type Rung } from './ladder.ts';
import { playlistUris, readRepresentations, segmentName, type MpdRepresentation } from './manifests.ts';
import { asMediaRejection, MediaRejectedError, minimumDecodedSec } from './mediaRejectedError.ts';
import { encodeLadderInChunks, localChunkRunner, type ChunkRunner } from './encodeChunks.ts';
import { analyseTitle, resolveMetric, scoreRendition, type TitleAnalysis } from './perTitle.ts';
import { probeMedia, type MediaInfo } from './probe.ts';
import type { SampleWindow } from './qualityArgs.ts';
import { runFfmpeg } from './runFfmpeg.ts';

/** Order: probe, analyse (per-title only), encode, score (per-title only), images. */
export type EncodeStage = 'probe' | 'analyse' | 'encode' | 'score' | 'images';

/** per-title: ladder from trial encodes of the title's own samples; fixed: DEFAULT_LADDER (or `ladder`) for every title. */
export type LadderMode = 'per-title' | 'fixed';

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
  /** Default fixed. */
  ladderMode?: LadderMode;
  /** VMAF model for per-title scoring; missing or absent falls back to PSNR (noted in the ladder report). */
  vmafModelPath?: string;
  /** How many of the largest rungs also get a VP9 rendition (default 2; 0 for H.264 only). */
  vp9Rungs?: number;
  /** Fraction is 0..1 within each stage; stages run in the order probe, encode, images. */
  onProgress?: (stage: EncodeStage, fraction: number) => void;
  /** Aborting kills ffmpeg, removes the staging directory and rejects with the abort reason. */
  signal?: AbortSignal;
  /**
   * The ladder's video is encoded in segment-aligned chunks (encodeChunks.ts), byte-identical
   * however they are run: by `runChunks` (job workers: jobs/encodeChunkJob.ts), else here,
   * `chunkConcurrency` ffmpeg processes at a time (default 1).
   */
  runChunks?: ChunkRunner;
  chunkConcurrency?: number;
  /** Aimed-at chunk length in seconds (default 30; short clips still get 2 chunks). */
  chunkSec?: number;
  /** One ffmpeg invocation for the whole ladder instead of chunks: the speed baseline bench:encode compares against. */
  singleInvocation?: boolean;
}

export interface EncodedRendition {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  /** RFC 6381 codec string as written in the MPD, e.g. 'avc1.64001f'. */
  codec: string;
}

export interface EncodedAudioTrack {
  /** BCP 47 tag ('und' when the source did not say). */
  language: string;
  channels: number;
  kbps: number;
  codec: string;
}

export interface EncodedVideo {
  durationSec: number;
  width: number;
  height: number;
  /** Frame rate of the renditions (the source's, divided down when above 60). */
  fps: number;
  segmentSec: number;
  renditions: EncodedRendition[];
  /** Whether there is any audio rendition (AAC-LC, `audioCodec`). */
  audio: boolean;
  audioCodec?: string;
  /** Every audio rendition, in output order: per source track its stereo, then its 5.1 when the track has one. */
  audioTracks: EncodedAudioTrack[];
  /** Relative to outDir. */
  files: {
    dash: string;
    hls: string;
    poster: string;
    /** thumb_001.jpg shows 0 s, thumb_002.jpg `thumbnailIntervalSec`, and so on. */
    thumbnails: string[];
  };
  thumbnailIntervalSec: number;
  /** Poster and backdrop choice, and the trick-play track (files relative to outDir). */
  images: EncodedImages;
  ladder: LadderReport;
}

export interface EncodedImages {
  poster: FrameChoice;
  backdrop: FrameChoice & { file: string };
  /** WebVTT cues `sprite_NNN.jpg#xywh=x,y,w,h`, one per `intervalSec`. */
  trickplay: { vtt: string; sprites: string[]; intervalSec: number; width: number; height: number };
}

/** How the ladder was chosen and how good each rung measured: stored with the video, charted in the studio. */
export interface LadderReport {
  mode: LadderMode;
  /** What `score`s are: VMAF (0-100) or PSNR (dB); null when nothing was measured (fixed ladder). */
  metric: QualityMetric | null;
  /** Why the metric is not VMAF, when it is not. */
  note?: string;
  samples: SampleWindow[];
  /** Every trial encode of the samples. */
  points: HullPoint[];
  /** The upper convex hull of `points`, by bitrate. */
  hull: HullPoint[];
  /** The final rungs, in rendition order, with their score on the samples (null when not measured). */
  rungs: { name: string; width: number; height: number; codec: string; videoKbps: number; crf: number | null; score: number | null }[];
}

export async function encodeVideo(opts: EncodeVideoOptions): Promise<EncodedVideo> {
  const { ffmpegPath, ffprobePath, sourcePath, outDir, preset = 'veryfast', crf = 23, segmentSec = 4, signal } = opts;
  const progress = (stage: EncodeStage, fraction: number) => opts.onProgress?.(stage, fraction);

  progress('probe', 0);
  const info = await probeMedia(ffprobePath, sourcePath);
  signal?.throwIfAborted();
  progress('probe', 1);

  await mkdir(outDir, { recursive: true });
  const staging = await mkdtemp(join(outDir, '.encoding-'));
  try {
    const mode = opts.ladderMode ?? 'fixed';
    const workDir = join(staging, '.analysis');
    let analysis: TitleAnalysis | undefined;
    if (mode === 'per-title') {
      await mkdir(workDir);
      analysis = await analyseTitle({ ffmpegPath, sourcePath, info, workDir, preset, vmafModelPath: opts.vmafModelPath, signal, onProgress: (f) => progress('analyse', f) });
    }
    const h264 = analysis && analysis.chosen.length > 0 ? perTitleRungs(analysis.chosen) : fixedLadder(info, opts.ladder ?? DEFAULT_LADDER);
    const rungs = withSecondCodec(h264, opts.vp9Rungs ?? 2);
    const ladderEncoding = { singleInvocation: opts.singleInvocation ?? false, runChunks: opts.runChunks ?? localChunkRunner({ ffmpegPath, ffprobePath }, opts.chunkConcurrency ?? 1), chunkSec: opts.chunkSec };
    await encodeLadder(ffmpegPath, info, rungs, { sourcePath, staging, preset, crf, segmentSec, signal, progress, ladderEncoding });
    const representations = readRepresentations(await readFile(join(staging, DASH_MANIFEST), 'utf8'));
    const renditions = matchRenditions(representations, rungs);
    const scores = analysis ? await scoreRungs(ffmpegPath, analysis, rungs, representations, { staging, workDir, signal, progress, vmafModelPath: opts.vmafModelPath }) : undefined;
    const ladder: LadderReport = {
      mode,
      metric: analysis?.metric ?? null,
      ...(analysis?.note ? { note: analysis.note } : {}),
      samples: analysis?.samples ?? [],
      points: analysis?.points ?? [],
      hull: analysis?.hull ?? [],
      rungs: rungs.map((r, i) => ({ name: r.name, width: r.width, height: r.height, codec: renditions[i]!.codec, videoKbps: r.videoKbps, crf: r.crf ?? (r.codec === 'vp9' ? null : crf), score: scores?.[i] ?? null })),
    };
    await rm(workDir, { recursive: true, force: true });
    const { poster, thumbnails, images } = await makeImages(ffmpegPath, info, rungs, representations, { sourcePath, staging, signal, progress });
    await checkReferencedFiles(staging);
    await publish(staging, outDir);
    return {
      durationSec: info.durationSec,
      width: info.width,
      height: info.height,
      fps: outputFps(info.fps),
      segmentSec,
      renditions,
      audio: info.hasAudio,
      ...(info.hasAudio ? { audioCodec: AAC_LC } : {}),
      audioTracks: audioOutputs(info.audioStreams, 0, 0).map((o) => ({ language: o.language, channels: o.channels, kbps: o.kbps, codec: AAC_LC })),
      files: { dash: DASH_MANIFEST, hls: HLS_MASTER, poster, thumbnails },
      thumbnailIntervalSec: THUMBNAIL_INTERVAL_SEC,
      images,
      ladder,
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
  ctx: StageContext & { preset: X264Preset; crf: number; segmentSec: number; ladderEncoding: { singleInvocation: boolean; runChunks: ChunkRunner; chunkSec: number | undefined } },
): Promise<void> {
  // Two-pass loudness: measure every audio output first (a fast audio-only decode).
  const measured = audioOutputs(info.audioStreams, rungs.length, 0);
  const loudness = await measureLoudness({ ffmpegPath, input: ctx.sourcePath, outputs: measured, durationSec: info.durationSec, ...(ctx.signal ? { signal: ctx.signal } : {}) }).catch((e: unknown) => {
    throw asMediaRejection(e, 'the audio could not be decoded');
  });
  ctx.progress('encode', 0);
  if (!ctx.ladderEncoding.singleInvocation) {
    const { runChunks, chunkSec } = ctx.ladderEncoding;
    await encodeLadderInChunks({
      ffmpegPath,
      sourcePath: ctx.sourcePath,
      info,
      settings: { rungs, fps: info.fps, segmentSec: ctx.segmentSec, preset: ctx.preset, crf: ctx.crf, videoStreamIndex: info.videoStreamIndex },
      audioTracks: info.audioStreams,
      loudness,
      staging: ctx.staging,
      runChunks,
      signal: ctx.signal,
      onProgress: (f) => ctx.progress('encode', f),
      ...(chunkSec ? { targetChunkSec: chunkSec } : {}),
    });
    await labelHlsMaster(ctx.staging, measured);
    return;
  }
  const args = ladderArgs({
    input: ctx.sourcePath,
    outDir: ctx.staging,
    rungs,
    durationSec: info.durationSec,
    fps: info.fps,
    audioTracks: info.audioStreams,
    loudness,
    segmentSec: ctx.segmentSec,
    preset: ctx.preset,
    crf: ctx.crf,
    videoStreamIndex: info.videoStreamIndex,
  });
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
  await labelHlsMaster(ctx.staging, measured);
}

/** The dash muxer's HLS master names audio renditions audio_<n> with no LANGUAGE: say what each is. */
async function labelHlsMaster(staging: string, outputs: readonly AudioOutput[]): Promise<void> {
  if (outputs.length === 0) return;
  const path = join(staging, HLS_MASTER);
  await writeFile(path, labelHlsAudio(await readFile(path, 'utf8'), outputs));
}

async function makeImages(
  ffmpegPath: string,
  info: MediaInfo,
  rungs: Rung[],
  representations: MpdRepresentation[],
  ctx: StageContext,
): Promise<{ poster: string; thumbnails: string[]; images: EncodedImages }> {
  const run = (args: string[], onProgress?: (f: number) => void) =>
    runFfmpeg(ffmpegPath, args, {
      durationSec: info.durationSec,
      ...(onProgress ? { onProgress } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    }).catch((e: unknown) => {
      throw asMediaRejection(e, 'no picture could be extracted from the video');
    });
  const source = { width: info.width, height: info.height };
  ctx.progress('images', 0);

  // Frame measurements and thumbnails come from a small encoded rendition rather than the
  // source: decoding a 240p H.264 stream is ~100x cheaper than decoding a 4K HEVC or an AV1
  // upload again, and its timestamps are exactly the ones the player shows.
  // Rungs run largest first: the last H.264 rung still as wide as the thumbnails (else the first).
  let index = 0;
  rungs.forEach((r, i) => {
    if (r.width >= THUMBNAIL_WIDTH && (r.codec ?? 'h264') === 'h264') index = i;
  });
  const small = { width: rungs[index]!.width, height: rungs[index]!.height };
  const rendition = join(ctx.staging, '.thumbnail-source.mp4');
  await joinRendition(ctx.staging, representationOf(representations, index), rendition);

  const lumaFile = join(ctx.staging, '.frames-luma.txt');
  const edgeFile = join(ctx.staging, '.frames-edges.txt');
  await run(frameStatsArgs({ input: rendition, intervalSec: candidateIntervalSec(info.durationSec), lumaFile, edgeFile }), (f) => ctx.progress('images', 0.3 * f));
  const frames = frameMeasurements(await readFile(lumaFile, 'utf8').catch(() => ''), await readFile(edgeFile, 'utf8').catch(() => ''));
  const choice = choosePosterFrames(frames, info.durationSec);
  // Stills come from the source at the chosen moment, for full quality.
  const still = async (file: string, atSec: number, maxWidth: number) => {
    const outPath = join(ctx.staging, file);
    await run(posterArgs({ input: ctx.sourcePath, outPath, durationSec: info.durationSec, source, atSec, maxWidth, videoStreamIndex: info.videoStreamIndex }));
    // A chosen time can be past the last video frame when the audio runs longer: fall back to the start.
    if (!(await exists(outPath))) await run(posterArgs({ input: ctx.sourcePath, outPath, durationSec: info.durationSec, source, atSec: 0, maxWidth, videoStreamIndex: info.videoStreamIndex }));
    if (!(await exists(outPath))) throw new MediaRejectedError('media_corrupt', 'no picture could be extracted from the video');
  };
  await still(POSTER_FILE, choice.poster.atSec, POSTER_WIDTH);
  await still(BACKDROP_FILE, choice.backdrop.atSec, BACKDROP_WIDTH);
  ctx.progress('images', 0.4);

  await run(thumbnailArgs({ input: rendition, outDir: ctx.staging, source: small }), (f) => ctx.progress('images', 0.4 + 0.3 * f));
  const layout = trickplayLayout(info.durationSec, small);
  await run(spriteArgs({ input: rendition, outDir: ctx.staging, layout }), (f) => ctx.progress('images', 0.7 + 0.3 * f));
  const track = trickplayVtt(info.durationSec, layout);
  for (const sprite of track.sprites) {
    if (!(await exists(join(ctx.staging, sprite)))) throw new Error(`trick-play sheet ${sprite} was not written`);
  }
  await writeFile(join(ctx.staging, TRICKPLAY_VTT), track.vtt);
  await rm(rendition, { force: true });
  const thumbnails = (await readdir(ctx.staging)).filter((f) => /^thumb_\d+\.jpg$/.test(f)).sort();
  ctx.progress('images', 1);
  return {
    poster: POSTER_FILE,
    thumbnails,
    images: {
      poster: choice.poster,
      backdrop: { ...choice.backdrop, file: BACKDROP_FILE },
      trickplay: { vtt: TRICKPLAY_VTT, sprites: track.sprites, intervalSec: layout.intervalSec, width: layout.tile.width, height: layout.tile.height },
    },
  };
}

/** The final rungs' scores on the analysis samples, in rung order. */
async function scoreRungs(
  ffmpegPath: string,
  analysis: TitleAnalysis,
  rungs: Rung[],
  representations: MpdRepresentation[],
  ctx: { staging: string; workDir: string; signal: AbortSignal | undefined; progress: (stage: EncodeStage, fraction: number) => void; vmafModelPath: string | undefined },
): Promise<number[]> {
  const { modelPath } = await resolveMetric(ctx.vmafModelPath);
  const scorer = { ffmpegPath, modelPath, signal: ctx.signal };
  const scores: number[] = [];
  ctx.progress('score', 0);
  for (const [i, rung] of rungs.entries()) {
    const path = join(ctx.workDir, `rendition-${i}.mp4`);
    await joinRendition(ctx.staging, representationOf(representations, i), path);
    scores.push(await scoreRendition(scorer, analysis, { path, width: rung.width, height: rung.height }, ctx.workDir, String(i)));
    await rm(path, { force: true });
    ctx.progress('score', (i + 1) / rungs.length);
  }
  return scores;
}

/** One rendition as a single playable fragmented MP4 (init segment + media segments in order), written to `path`. */
async function joinRendition(staging: string, rep: MpdRepresentation, path: string): Promise<void> {
  const files = [segmentName(rep.initialization!, rep.id)];
  for (let n = 1; await exists(join(staging, segmentName(rep.media!, rep.id, n))); n++) files.push(segmentName(rep.media!, rep.id, n));
  const handle = await open(path, 'w');
  try {
    for (const f of files) await handle.write(await readFile(join(staging, f)));
  } finally {
    await handle.close();
  }
}

/** Codec strings come from the MPD: x264 picks the level from size and bitrate, so we read what it chose. */
function matchRenditions(representations: MpdRepresentation[], rungs: Rung[]): EncodedRendition[] {
  return rungs.map((rung, i) => {
    const rep = representationOf(representations, i);
    const family = rung.codec === 'vp9' ? 'vp09.' : 'avc1.';
    if (!rep.codecs.startsWith(family) || rep.width !== rung.width || rep.height !== rung.height) {
      throw new Error(`MPD representation ${i} is ${rep.codecs} ${rep.width}x${rep.height}, expected ${family}* ${rung.width}x${rung.height} for ${rung.name}`);
    }
    return { name: rung.name, width: rung.width, height: rung.height, videoKbps: rung.videoKbps, codec: rep.codecs };
  });
}

/** Output stream i is rung i (video is mapped first, in ladder order), and the dash muxer numbers representations by stream. */
function representationOf(representations: MpdRepresentation[], rungIndex: number): MpdRepresentation {
  const rep = representations.find((r) => r.id === String(rungIndex));
  if (!rep?.initialization || !rep.media) throw new Error(`the MPD has no representation ${rungIndex} with a segment template`);
  return rep;
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
  const files = (await readdir(staging)).filter((f) => !f.startsWith('.')).sort((a, b) => rank(a) - rank(b));
  for (const f of files) await rename(join(staging, f), join(outDir, f));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.size > 0,
    () => false,
  );
}
