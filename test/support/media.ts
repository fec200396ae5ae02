import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ffmpegPath: string = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** A small H.264/AAC test clip made by ffmpeg: `seconds` long, `height` tall, 16:9. */
export async function makeTestClip(out: string, opts: { seconds?: number; height?: number; audio?: boolean } = {}): Promise<string> {
  const { seconds = 4, height = 360, audio = true } = opts;
  const width = Math.round((height * 16) / 9 / 2) * 2;
  await run(ffmpegPath, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=25:duration=${seconds}`,
    ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    ...(audio ? ['-c:a', 'aac', '-shortest'] : []),
    out,
  ]);
  return out;
}
