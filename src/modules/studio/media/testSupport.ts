/**
 * Shared by this folder's tests (not a test itself): the ffmpeg/ffprobe to use and tiny
 * generated clips. FFMPEG_PATH / FFPROBE_PATH override the binaries shipped in npm packages.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';

export const ffmpegPath = process.env.FFMPEG_PATH ?? ffmpegInstaller.path;
export const ffprobePath = process.env.FFPROBE_PATH ?? ffprobeInstaller.path;

const run = promisify(execFile);

export interface ClipOptions {
  seconds?: number;
  width?: number;
  height?: number;
  fps?: number;
  audio?: boolean;
  /** Move the MP4 index to the front (as uploads from most tools have it) or leave it at the end. */
  faststart?: boolean;
  /** Write audio only (no video stream at all). */
  audioOnly?: boolean;
}

/** Makes a small H.264/AAC test clip (testsrc2 + sine) and returns its path. */
export async function makeClip(dir: string, name: string, opts: ClipOptions = {}): Promise<string> {
  const { seconds = 4, width = 320, height = 240, fps = 25, audio = true, faststart = true, audioOnly = false } = opts;
  const out = join(dir, name);
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'];
  if (!audioOnly) args.push('-f', 'lavfi', '-i', `testsrc2=s=${width}x${height}:r=${fps}:d=${seconds}`);
  if (audio || audioOnly) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`);
  if (!audioOnly) args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
  if (audio || audioOnly) args.push('-c:a', 'aac', '-b:a', '64k');
  if (faststart) args.push('-movflags', '+faststart');
  args.push(out);
  await run(ffmpegPath, args);
  return out;
}

/** A temporary directory for one test file, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `marquee-media-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Presentation times of the keyframes of the first video stream in `file`. */
export async function keyframeTimes(file: string): Promise<number[]> {
  const { stdout } = await run(ffprobePath, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file]);
  return stdout
    .split('\n')
    .map((l) => l.split(','))
    .filter(([, flags]) => flags?.includes('K'))
    .map(([pts]) => Number(pts));
}
