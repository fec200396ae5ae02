/**
 * The one error this layer throws for media the user uploaded (as opposed to our own failures,
 * which stay ordinary errors). It knows nothing of HTTP: the caller maps `code` to a status.
 */
import { FfmpegError } from './runFfmpeg.ts';

export type MediaRejectedCode =
  /** Not a video at all: no video stream, not a recognisable container, or zero length. */
  | 'not_a_video'
  /** A video, but shorter than the one second a title needs. */
  | 'media_too_short'
  /** Looks like a video but cannot be read or decoded to the end (truncated, damaged). */
  | 'media_corrupt'
  /** Sent as an audio track (a dub) but holds no audio stream. */
  | 'not_audio';

export class MediaRejectedError extends Error {
  override readonly name = 'MediaRejectedError';

  constructor(
    readonly code: MediaRejectedCode,
    message: string,
    /** The tail of ffprobe/ffmpeg's stderr, for logs; never show it to end users. */
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isMediaRejectedError(e: unknown): e is MediaRejectedError {
  return e instanceof MediaRejectedError;
}

/** stderr lines that mean the machine, not the media, is at fault: those stay ordinary errors. */
const OUR_FAULT = /No space left on device|Cannot allocate memory|Permission denied|Unrecognized option|Option \S+ not found|Error parsing options|No such filter/i;

/** An ffmpeg failure as the upload's fault (media_corrupt), unless it was ours. */
export function asMediaRejection(e: unknown, message: string): unknown {
  // Aborts, ffmpeg that could not start, and ffmpeg killed by a signal (OOM killer) are not the upload's fault.
  if (!(e instanceof FfmpegError) || e.exitSignal !== null || OUR_FAULT.test(e.stderrTail)) return e;
  return new MediaRejectedError('media_corrupt', message, e.stderrTail, { cause: e });
}

/**
 * A decode that stops this far short of the probed duration means the file is truncated or
 * damaged even if ffmpeg exited cleanly (it does, for an MP4 cut off after its index).
 */
export function minimumDecodedSec(durationSec: number): number {
  return durationSec - Math.max(1, durationSec * 0.1);
}

const CODES: ReadonlySet<string> = new Set<MediaRejectedCode>(['not_a_video', 'media_too_short', 'media_corrupt', 'not_audio']);

/** For codes that crossed a process boundary (a failed job's error code). */
export function isMediaRejectedCode(code: string): code is MediaRejectedCode {
  return CODES.has(code);
}
