/**
 * The one place that runs ffmpeg. Commands arrive as plain argument arrays built by the pure
 * *Args functions; this spawns them, turns `-progress pipe:1` output into a 0..1 fraction and
 * keeps the end of stderr so a failure can say why.
 */
import { spawn } from 'node:child_process';

export interface RunFfmpegOptions {
  /** Expected output duration, to turn ffmpeg's out_time into a fraction. */
  durationSec: number;
  /** Called with a non-decreasing fraction in 0..1 as ffmpeg reports progress (and 1 at the end). */
  onProgress?: (fraction: number) => void;
  /** Aborting kills ffmpeg (SIGKILL: it must not linger holding CPU) and rejects with an AbortError. */
  signal?: AbortSignal;
  /** Working directory for ffmpeg (relative output paths resolve against it). */
  cwd?: string;
}

export interface FfmpegResult {
  /** The last output timestamp ffmpeg reported, in seconds: how much media it actually produced. */
  outTimeSec: number;
  stderrTail: string;
}

/** ffmpeg exited non-zero (or was killed); `stderrTail` holds its last lines for logs. */
export class FfmpegError extends Error {
  override readonly name = 'FfmpegError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly exitSignal: NodeJS.Signals | null,
    readonly stderrTail: string,
  ) {
    super(message);
  }
}

/** Enough of stderr to hold the error and its context, small enough to store with a failed job. */
const STDERR_TAIL_CHARS = 8 * 1024;

export function runFfmpeg(ffmpegPath: string, args: readonly string[], options: RunFfmpegOptions): Promise<FfmpegResult> {
  const { durationSec, onProgress, signal, cwd } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    // stdin ignored: ffmpeg otherwise reads keystrokes from it and can stall or quit on stray input.
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    const progress = new ProgressParser(durationSec);
    let lastReported = -1;
    let stderrTail = '';
    let settled = false;

    let callbackError: unknown;
    const report = (fraction: number) => {
      if (!onProgress || fraction <= lastReported || callbackError !== undefined) return;
      lastReported = fraction;
      try {
        onProgress(fraction);
      } catch (e) {
        // A throwing callback must not become an uncaught exception in a stream handler: stop ffmpeg and reject with it.
        callbackError = e;
        child.kill('SIGKILL');
      }
    };
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8');
    let pending = '';
    child.stdout.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const fraction = progress.push(line);
        if (fraction !== undefined) report(fraction);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });

    const finish = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error) return reject(error);
      report(1);
      if (callbackError !== undefined) reject(callbackError);
      else resolve({ outTimeSec: progress.outTimeSec, stderrTail });
    };
    child.on('error', (e) => finish(e)); // could not start (ENOENT, EACCES)
    child.on('close', (code, exitSignal) => {
      if (signal?.aborted) return finish(abortError(signal));
      if (callbackError !== undefined) return finish(callbackError instanceof Error ? callbackError : new Error(String(callbackError)));
      if (code === 0) return finish(undefined);
      const lastLine = stderrTail.trim().split('\n').at(-1) ?? '';
      const how = code === null ? `killed by ${exitSignal}` : `exited with code ${code}`;
      finish(new FfmpegError(`ffmpeg ${how}: ${lastLine}`, code, exitSignal, stderrTail));
    });
  });
}

/**
 * Reads ffmpeg's `-progress` key=value lines. Both out_time_us and out_time_ms are in
 * microseconds (out_time_ms is a long-standing misnomer in ffmpeg); before the first frame
 * they read N/A and are ignored.
 */
export class ProgressParser {
  outTimeSec = 0;

  constructor(private readonly durationSec: number) {}

  /** Feeds one line; returns the new fraction when the line moved it. */
  push(line: string): number | undefined {
    const eq = line.indexOf('=');
    if (eq < 0) return undefined;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    let seconds: number | undefined;
    if (key === 'out_time_us' || key === 'out_time_ms') seconds = Number(value) / 1e6;
    else if (key === 'out_time') seconds = parseClock(value);
    else if (key === 'progress' && value === 'end') return 1;
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
    this.outTimeSec = Math.max(this.outTimeSec, seconds);
    return this.durationSec > 0 ? Math.min(1, this.outTimeSec / this.durationSec) : undefined;
  }
}

/** "00:01:02.500000" -> 62.5 */
function parseClock(value: string): number | undefined {
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value);
  if (!m || m[1] === '-') return undefined;
  return Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const e = new Error('ffmpeg was aborted');
  e.name = 'AbortError';
  return e;
}
