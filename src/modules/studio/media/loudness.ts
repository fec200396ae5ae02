/**
 * The measuring pass of two-pass loudness normalisation (the I/O edge of audioArgs.ts): one
 * ffmpeg run over the audio tracks, its printed loudnorm statistics parsed into measurements.
 */
import { type AudioOutput, type LoudnessMeasurement, loudnessMeasureArgs, parseLoudnessMeasurements } from './audioArgs.ts';
import { runFfmpeg } from './runFfmpeg.ts';

export interface MeasureLoudnessOptions {
  ffmpegPath: string;
  input: string;
  /** From audioOutputs(): the measurement of output n is returned at n. */
  outputs: readonly AudioOutput[];
  durationSec: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export async function measureLoudness(o: MeasureLoudnessOptions): Promise<LoudnessMeasurement[]> {
  if (o.outputs.length === 0) return [];
  const { stderrTail } = await runFfmpeg(o.ffmpegPath, loudnessMeasureArgs({ input: o.input, outputs: o.outputs }), {
    durationSec: o.durationSec,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return parseLoudnessMeasurements(stderrTail, o.outputs.length);
}
