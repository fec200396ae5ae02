/**
 * Runs demoVideoArgs, adding the burned-in label only where this ffmpeg can draw text: drawtext
 * without a `fontfile` needs fontconfig to find a font, which a bare container may lack.
 */
import { demoVideoArgs, type DemoVideoKind, type DemoVideoOptions } from './demoVideo.ts';
import { runFfmpeg, type RunFfmpegOptions } from './runFfmpeg.ts';

const drawTextChecks = new Map<string, Promise<boolean>>();

/** Whether drawtext works with no font file in this ffmpeg on this machine (checked once per path). */
export function canDrawText(ffmpegPath: string): Promise<boolean> {
  let check = drawTextChecks.get(ffmpegPath);
  if (!check) {
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=black:s=64x64:d=0.1',
      '-vf', "drawtext=text='Ag':fontsize=20", '-frames:v', '1', '-f', 'null', '-'];
    check = runFfmpeg(ffmpegPath, args, { durationSec: 0.1 }).then(
      () => true,
      () => false,
    );
    drawTextChecks.set(ffmpegPath, check);
  }
  return check;
}

export interface MakeDemoVideoOptions extends Omit<DemoVideoOptions, 'label'> {
  /** Label text; default the kind's name. false for none. */
  label?: string | false;
  onProgress?: RunFfmpegOptions['onProgress'];
  signal?: AbortSignal;
}

/** Writes a demo H.264/AAC MP4 to `outPath` and reports whether it carries the burned-in label. */
export async function makeDemoVideo(
  ffmpegPath: string,
  kind: DemoVideoKind,
  outPath: string,
  opts: MakeDemoVideoOptions = {},
): Promise<{ labelled: boolean }> {
  const { onProgress, signal, label = kind, ...size } = opts;
  const labelled = label !== false && (await canDrawText(ffmpegPath));
  const args = demoVideoArgs(kind, outPath, { ...size, label: labelled ? label : false });
  await runFfmpeg(ffmpegPath, args, {
    durationSec: size.seconds ?? 32,
    ...(onProgress ? { onProgress } : {}),
    ...(signal ? { signal } : {}),
  });
  return { labelled };
}
