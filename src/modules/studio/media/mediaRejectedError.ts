/**
 * The one error this layer throws for media the user uploaded (as opposed to our own failures,
 * which stay ordinary errors). It knows nothing of HTTP: the caller maps `code` to a status.
 */
export type MediaRejectedCode =
  /** Not a video at all: no video stream, not a recognisable container, or zero length. */
  | 'not_a_video'
  /** A video, but shorter than the one second a title needs. */
  | 'media_too_short'
  /** Looks like a video but cannot be read or decoded to the end (truncated, damaged). */
  | 'media_corrupt';

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
