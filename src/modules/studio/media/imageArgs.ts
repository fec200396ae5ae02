/**
 * ffmpeg commands for the still images a title needs, as plain data. Pure.
 * Sizes are computed here from the probed display size (not left to ffmpeg's `-2`), so
 * non-square-pixel sources come out with the right shape and the caller knows the size.
 */
import { join } from 'node:path';
import { scaleToWidth, type FrameSize } from './dimensions.ts';

export const POSTER_FILE = 'poster.jpg';
/** Thumbnail n (1-based) shows the frame at (n - 1) * intervalSec. */
export const THUMBNAIL_PATTERN = 'thumb_%03d.jpg';
export const THUMBNAIL_INTERVAL_SEC = 10;
export const POSTER_WIDTH = 640;
export const THUMBNAIL_WIDTH = 320;
/** Where the poster frame is taken: far enough in to be past titles and fades. */
export const POSTER_POSITION = 1 / 3;

export interface PosterArgsInput {
  input: string;
  /** Full path of the JPEG to write. */
  outPath: string;
  durationSec: number;
  /** Display size of the source (MediaInfo width/height). */
  source: FrameSize;
  maxWidth?: number;
  /** Seek position; default a third of the way in. */
  atSec?: number;
  videoStreamIndex?: number;
}

export function posterArgs(opts: PosterArgsInput): string[] {
  const { input, outPath, durationSec, source, maxWidth = POSTER_WIDTH } = opts;
  const at = opts.atSec ?? durationSec * POSTER_POSITION;
  const size = scaleToWidth(source, maxWidth);
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'warning',
    // -ss before -i seeks the demuxer to the nearest keyframe and decodes forward: fast and exact.
    '-ss', at.toFixed(3),
    '-i', input,
    '-map', videoMap(opts.videoStreamIndex),
    '-frames:v', '1',
    '-vf', `scale=${size.width}:${size.height},setsar=1`,
    '-q:v', '3',
    outPath,
  ];
}

export interface ThumbnailArgsInput {
  input: string;
  /** Directory that receives thumb_001.jpg, thumb_002.jpg, ... */
  outDir: string;
  source: FrameSize;
  intervalSec?: number;
  maxWidth?: number;
  videoStreamIndex?: number;
}

export function thumbnailArgs(opts: ThumbnailArgsInput): string[] {
  const { input, outDir, source, intervalSec = THUMBNAIL_INTERVAL_SEC, maxWidth = THUMBNAIL_WIDTH } = opts;
  const size = scaleToWidth(source, maxWidth);
  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'warning',
    '-i', input,
    '-map', videoMap(opts.videoStreamIndex),
    // round=up makes output n the first frame at or after n * interval (0 s, 10 s, 20 s, ...),
    // rather than the default's frame from half an interval earlier.
    '-vf', `fps=1/${intervalSec}:round=up,scale=${size.width}:${size.height},setsar=1`,
    '-q:v', '5',
    join(outDir, THUMBNAIL_PATTERN),
  ];
}

function videoMap(streamIndex: number | undefined): string {
  return streamIndex === undefined ? '0:v:0' : `0:${streamIndex}`;
}
