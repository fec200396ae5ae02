/**
 * Probing an upload with ffprobe: what is in it, and is it a video we can take at all?
 * Bad media is rejected here with a MediaRejectedError, before any encoding is attempted.
 */
import { execFile } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { looksLikeMediaContainer, SNIFF_BYTES } from './containerSniff.ts';
import { MediaRejectedError } from './mediaRejectedError.ts';

export { MediaRejectedError, isMediaRejectedError, type MediaRejectedCode } from './mediaRejectedError.ts';

export interface AudioStreamInfo {
  /** Absolute stream index in the file (use as `-map 0:<index>`). */
  index: number;
  codec: string;
  channels: number;
  /** ISO 639-2 tag when the file has one ('und' is dropped). */
  language?: string;
}

export interface MediaInfo {
  durationSec: number;
  /** Display size: storage size corrected for non-square pixels and rotation metadata. */
  width: number;
  height: number;
  fps: number;
  videoCodec: string;
  /** Absolute index of the video stream chosen (cover art and thumbnails are skipped). */
  videoStreamIndex: number;
  hasAudio: boolean;
  audioStreams: AudioStreamInfo[];
}

/** A title shorter than this is a mistake rather than a video. */
export const MIN_DURATION_SEC = 1;
/** ffprobe only reads headers; if it takes this long the file is pathological. */
const PROBE_TIMEOUT_MS = 60_000;
/** Still-image demuxers: ffprobe reports one "video" stream for a PNG or JPEG. */
const IMAGE_FORMAT = /(^|,)(image2|[a-z0-9]+_pipe)(,|$)/;

export async function probeMedia(ffprobePath: string, file: string): Promise<MediaInfo> {
  const { size } = await stat(file); // a missing file is the caller's bug, not bad media: let ENOENT through
  if (size === 0) throw new MediaRejectedError('not_a_video', 'the file is empty');

  let json: string;
  try {
    json = await runFfprobe(ffprobePath, ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]);
  } catch (e) {
    if (!(e instanceof FfprobeFailed)) throw e;
    throw (await looksLikeMediaFile(file))
      ? new MediaRejectedError('media_corrupt', 'the file looks like a video container but cannot be read', e.stderr, { cause: e })
      : new MediaRejectedError('not_a_video', 'the file is not a recognisable video', e.stderr, { cause: e });
  }

  const info = parseProbeJson(json);
  if (info.durationSec === undefined) {
    // Some containers (browser MediaRecorder WebM, raw streams) carry no duration: read the
    // packet timestamps instead. That demuxes the whole file but decodes nothing.
    info.durationSec = await durationFromPackets(ffprobePath, file, info.videoStreamIndex);
  }
  if (!(info.durationSec > 0)) throw new MediaRejectedError('not_a_video', 'the video has no length');
  if (info.durationSec < MIN_DURATION_SEC) {
    throw new MediaRejectedError('media_too_short', `the video is ${info.durationSec.toFixed(2)} s long; at least ${MIN_DURATION_SEC} s is needed`);
  }
  return info as MediaInfo;
}

/** What an audio file (a dub) holds: its length and audio tracks. */
export interface AudioFileInfo {
  durationSec: number;
  audioStreams: AudioStreamInfo[];
}

/** Probes a file sent as an audio track: rejected (not_audio) unless it has at least one audio stream and a length. */
export async function probeAudio(ffprobePath: string, file: string): Promise<AudioFileInfo> {
  const { size } = await stat(file);
  if (size === 0) throw new MediaRejectedError('not_audio', 'the file is empty');
  let json: string;
  try {
    json = await runFfprobe(ffprobePath, ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]);
  } catch (e) {
    if (!(e instanceof FfprobeFailed)) throw e;
    throw new MediaRejectedError('not_audio', 'the file is not a recognisable audio file', e.stderr, { cause: e });
  }
  return parseAudioProbeJson(json);
}

/** Turns ffprobe's JSON of an audio file into AudioFileInfo (pure; exported for tests). */
export function parseAudioProbeJson(json: string): AudioFileInfo {
  let out: FfprobeOutput;
  try {
    out = JSON.parse(json) as FfprobeOutput;
  } catch {
    throw new MediaRejectedError('not_audio', 'ffprobe output could not be read');
  }
  const streams = (out.streams ?? []).filter((s) => s.codec_type === 'audio' && (s.channels ?? 0) > 0);
  if (streams.length === 0) throw new MediaRejectedError('not_audio', 'the file has no audio stream');
  const durationSec = firstNumber(out.format?.duration, streams[0]!.duration);
  if (durationSec === undefined || !(durationSec > 0)) throw new MediaRejectedError('not_audio', 'the audio has no length');
  return { durationSec, audioStreams: streams.map(audioStreamInfo) };
}

function audioStreamInfo(s: FfprobeStream): AudioStreamInfo {
  const language = s.tags?.language;
  return { index: s.index ?? 0, codec: s.codec_name ?? 'unknown', channels: s.channels ?? 0, ...(language && language !== 'und' ? { language } : {}) };
}

interface FfprobeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  channels?: number;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: Array<{ rotation?: number }>;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

/**
 * Turns ffprobe's JSON into MediaInfo (pure; exported for tests). Throws MediaRejectedError
 * for files with no usable video stream; leaves `durationSec` undefined when unknown.
 */
export function parseProbeJson(json: string): Omit<MediaInfo, 'durationSec'> & { durationSec: number | undefined } {
  let out: FfprobeOutput;
  try {
    out = JSON.parse(json) as FfprobeOutput;
  } catch {
    throw new MediaRejectedError('media_corrupt', 'ffprobe output could not be read');
  }
  const streams = out.streams ?? [];
  const formatName = out.format?.format_name ?? '';
  if (IMAGE_FORMAT.test(formatName)) throw new MediaRejectedError('not_a_video', 'the file is a still image');

  // Cover art in MP4/MKV/MP3 shows up as a one-frame video stream flagged attached_pic.
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) throw new MediaRejectedError('not_a_video', 'the file has no video stream');
  if (!video.width || !video.height) throw new MediaRejectedError('media_corrupt', 'the video stream has no picture size');

  const audioStreams: AudioStreamInfo[] = streams
    .filter((s) => s.codec_type === 'audio' && (s.channels ?? 0) > 0)
    .map(audioStreamInfo);

  const { width, height } = displaySize(video);
  return {
    durationSec: firstNumber(out.format?.duration, video.duration),
    width,
    height,
    fps: frameRate(video.avg_frame_rate) ?? frameRate(video.r_frame_rate) ?? 25,
    videoCodec: video.codec_name ?? 'unknown',
    videoStreamIndex: video.index ?? 0,
    hasAudio: audioStreams.length > 0,
    audioStreams,
  };
}

/** ffmpeg auto-rotates and our scale filters square the pixels, so the ladder must see the displayed size. */
function displaySize(video: FfprobeStream): { width: number; height: number } {
  let width = video.width!;
  let height = video.height!;
  const sar = ratio(video.sample_aspect_ratio);
  if (sar && sar !== 1) width = Math.round(width * sar);
  const rotation = video.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? Number(video.tags?.rotate ?? 0);
  if (Math.abs(rotation) % 180 === 90) [width, height] = [height, width];
  return { width, height };
}

function frameRate(value: string | undefined): number | undefined {
  const r = ratio(value);
  // ffprobe reports 90000/1 and the like for some odd streams; no real video is above 240 fps.
  return r && r > 0 && r <= 240 ? r : undefined;
}

function ratio(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const [num, den] = value.split(/[:/]/).map(Number);
  if (!num || !den || !Number.isFinite(num / den)) return undefined;
  return num / den;
}

function firstNumber(...values: Array<string | undefined>): number | undefined {
  for (const v of values) {
    const n = Number(v);
    if (v !== undefined && v !== 'N/A' && Number.isFinite(n)) return n;
  }
  return undefined;
}

async function durationFromPackets(ffprobePath: string, file: string, streamIndex: number): Promise<number> {
  let csv: string;
  try {
    csv = await runFfprobe(ffprobePath, ['-v', 'error', '-select_streams', String(streamIndex), '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file]);
  } catch (e) {
    if (!(e instanceof FfprobeFailed)) throw e;
    throw new MediaRejectedError('media_corrupt', 'the video stream cannot be read', e.stderr, { cause: e });
  }
  let end = 0;
  for (const line of csv.split('\n')) {
    const [pts, dur] = line.split(',').map(Number);
    if (pts !== undefined && Number.isFinite(pts)) end = Math.max(end, pts + (dur !== undefined && Number.isFinite(dur) ? dur : 0));
  }
  return end;
}

async function looksLikeMediaFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return looksLikeMediaContainer(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** ffprobe ran and said no (as opposed to not being runnable at all). */
class FfprobeFailed extends Error {
  constructor(readonly stderr: string) {
    super(`ffprobe failed: ${stderr.trim().split('\n').at(-1) ?? ''}`);
  }
}

function runFfprobe(ffprobePath: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(ffprobePath, args, { timeout: PROBE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      // A string code (ENOENT, EACCES) means ffprobe itself could not start: an operator problem.
      if (typeof (error as NodeJS.ErrnoException).code === 'string' && !error.killed) return reject(error);
      reject(new FfprobeFailed(error.killed ? `ffprobe timed out after ${PROBE_TIMEOUT_MS} ms\n${stderr}` : stderr));
    });
  });
}
