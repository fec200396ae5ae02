/**
 * Synthetic source videos made entirely by ffmpeg's lavfi generators, for seeding a catalogue
 * and for tests and benchmarks without shipping media. The kinds span visual complexity, from
 * flat colour to noise, so the encoder and ABR see easy and hard content. Pure: commands as data.
 */
import { floorEven } from './dimensions.ts';

export const DEMO_VIDEO_KINDS = ['gradient', 'bars', 'cellauto', 'mandelbrot', 'life', 'noise'] as const;
export type DemoVideoKind = (typeof DEMO_VIDEO_KINDS)[number];

/** What each kind looks like, roughly from easiest to hardest to encode. */
export const DEMO_VIDEO_DESCRIPTIONS: Readonly<Record<DemoVideoKind, string>> = {
  gradient: 'slowly drifting colour gradients: smooth, almost no detail',
  bars: 'SMPTE HD colour bars with a white box gliding over them: flat areas, one moving object',
  cellauto: 'elementary cellular automaton (rule 110) scrolling up: sharp high-contrast edges, steady motion',
  mandelbrot: 'zoom into the Mandelbrot set: fine detail that changes every frame',
  life: "Conway's game of life: dense random detail, everything moving",
  noise: 'test pattern under strong temporal noise: the worst case for any encoder',
};

export interface DemoVideoOptions {
  seconds?: number;
  width?: number;
  height?: number;
  fps?: number;
  /**
   * Text burned into the picture with a running clock, or false for none (the default).
   * drawtext needs a font through fontconfig; check with canDrawText() before asking for one.
   */
  label?: string | false;
}

/** Bits per pixel per frame allowed at peak: keeps the noise kind from producing 40 Mbit/s sources. */
const PEAK_BITS_PER_PIXEL = 0.25;

export function demoVideoArgs(kind: DemoVideoKind, outPath: string, opts: DemoVideoOptions = {}): string[] {
  const { seconds = 32, width = 1280, height = 720, fps = 25, label = false } = opts;
  if (!DEMO_VIDEO_KINDS.includes(kind)) throw new RangeError(`unknown demo video kind: ${String(kind)}`);
  if (!(seconds > 0 && width >= 16 && height >= 16 && fps > 0)) {
    throw new RangeError(`bad demo video size/length: ${width}x${height} ${fps} fps ${seconds} s`);
  }
  const w = floorEven(width);
  const h = floorEven(height);
  let video = demoPicture(kind, w, h, fps, seconds);
  if (label) video += `,${drawLabel(label)}`;
  // Square pixels: the generators scaled up from a smaller grid would otherwise carry a skewed SAR.
  video += ',setsar=1,format=yuv420p[v]';
  const tone = TONE_HZ[DEMO_VIDEO_KINDS.indexOf(kind)] ?? 440;
  // A beep each second (beep_factor) makes audio/video sync visible against the burned-in clock.
  const audio = `sine=frequency=${tone}:beep_factor=4:sample_rate=48000,volume=0.5[a]`;
  const maxrateKbps = Math.round((w * h * fps * PEAK_BITS_PER_PIXEL) / 1000);

  return [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'warning',
    '-filter_complex', `${video};${audio}`,
    '-map', '[v]', '-map', '[a]',
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20',
    '-maxrate', `${maxrateKbps}k`, '-bufsize', `${maxrateKbps * 2}k`,
    '-pix_fmt', 'yuv420p', '-g', String(Math.round(fps * 2)),
    '-c:a', 'aac', '-b:a', '128k', '-ac', '2',
    // Index at the front so the file can be probed and streamed before it is fully read.
    '-movflags', '+faststart',
    '-progress', 'pipe:1', '-nostats',
    outPath,
  ];
}

const TONE_HZ = [220, 1000, 660, 330, 440, 550];

/**
 * The generator chain for one kind. Costly generators (geq, mandelbrot, life) run at a
 * fraction of the size and are scaled up, which keeps making a 32 s 720p clip to a few seconds
 * of CPU; all use fixed seeds so the same arguments make the same video.
 */
function demoPicture(kind: DemoVideoKind, w: number, h: number, fps: number, seconds: number): string {
  const size = `${w}x${h}`;
  const half = `${floorEven(w / 2)}x${floorEven(h / 2)}`;
  switch (kind) {
    case 'gradient': {
      const small = `${floorEven(w / 10)}x${floorEven(h / 10)}`;
      return (
        `nullsrc=s=${small}:r=${fps},` +
        `geq=r='128+100*sin(2*PI*(X/W+T/10))':g='128+100*sin(2*PI*(Y/H+T/13))':b='128+100*sin(2*PI*((X+Y)/(W+H)+T/17))',` +
        `scale=${w}:${h}:flags=bicubic`
      );
    }
    case 'bars': {
      const box = floorEven(h / 4.5);
      return (
        `smptehdbars=s=${size}:r=${fps}[bars];color=c=white:s=${box}x${box}:r=${fps}[box];` +
        `[bars][box]overlay=x='(W-w)*(0.5+0.5*sin(t*1.3))':y='(H-h)*(0.5+0.5*cos(t*0.9))':shortest=1`
      );
    }
    case 'cellauto':
      return `cellauto=s=${size}:r=${fps}:rule=110:random_fill_ratio=0.5:seed=1:scroll=1`;
    case 'mandelbrot':
      // end_pts is in frames: the zoom runs the whole length of the clip.
      return `mandelbrot=s=${half}:r=${fps}:maxiter=256:end_pts=${Math.round(seconds * fps)},scale=${w}:${h}`;
    case 'life':
      return `life=s=${half}:r=${fps}:mold=10:ratio=0.1:seed=1:death_color=#C83232:life_color=#00FF00,scale=${w}:${h}:flags=neighbor`;
    case 'noise':
      return `testsrc2=s=${size}:r=${fps},noise=alls=16:allf=t:all_seed=1`;
  }
}

/** Label and running clock, bottom left on a translucent box (left-aligned so the clock does not jitter). */
function drawLabel(label: string): string {
  // Only characters that need no filtergraph/drawtext escaping.
  const text = label.replace(/[^\w .-]/g, ' ').slice(0, 60);
  return (
    `drawtext=text='${text}  %{pts\\:hms}':fontsize=h/18:fontcolor=white:` +
    `box=1:boxcolor=black@0.6:boxborderw=12:x=w/20:y=h-text_h-h/12`
  );
}
