import { ApiError } from '../api';
import type { ShakaError } from './shaka';

export type PlayerErrorKind =
  | 'not_ready'
  | 'session_expired'
  | 'not_licensed'
  | 'too_many_streams'
  | 'forbidden'
  | 'not_found'
  | 'session_ended'
  | 'unsupported'
  | 'network'
  | 'playback';

export interface PlayerError {
  kind: PlayerErrorKind;
  title: string;
  message: string;
  /** Server error code or "shaka:<code>". */
  code?: string;
  retryAfterSec?: number;
  retryable: boolean;
}

const sentence = (m: string): string => (/[.!?]$/.test(m.trim()) ? m.trim() : `${m.trim()}.`);

const NOT_READY = /not_ready|processing|encoding|pending|transcod|queued|unpublished/i;

export function fromApiError(e: ApiError): PlayerError {
  const base = { code: e.code, retryAfterSec: e.retryAfterSec };
  if (e.status === 401)
    return { ...base, kind: 'session_expired', title: 'Your session expired', message: 'Please sign in again to keep watching.', retryable: false };
  if (e.status === 409 || (e.status === 404 && NOT_READY.test(e.code)))
    return {
      ...base,
      kind: 'not_ready',
      title: 'This video isn’t ready yet',
      message: 'It is still being prepared for streaming. Try again in a few minutes.',
      retryable: true,
    };
  if (e.status === 404)
    return { ...base, kind: 'not_found', title: 'Video not found', message: 'This video doesn’t exist or was removed.', retryable: false };
  if (e.status === 451)
    return { ...base, kind: 'not_licensed', title: 'Not available in your region', message: sentence(e.message), retryable: false };
  if (e.status === 429) {
    const generic = e.code === 'http_429' || !e.message;
    return {
      ...base,
      kind: 'too_many_streams',
      title: 'Too many streams',
      message: generic
        ? 'Your plan’s screens are all in use. Stop watching on another device, then press Retry.'
        : sentence(e.message),
      retryable: true,
    };
  }
  if (e.status === 403)
    return { ...base, kind: 'forbidden', title: 'You can’t watch this here', message: sentence(e.message), retryable: false };
  if (e.status === 0) return { ...base, kind: 'network', title: 'Connection problem', message: e.message, retryable: true };
  return { ...base, kind: 'playback', title: 'Playback couldn’t start', message: e.message, retryable: true };
}

const CATEGORY: Record<number, string> = {
  1: 'The video couldn’t be downloaded',
  2: 'Subtitles couldn’t be loaded',
  3: 'The video couldn’t be decoded',
  4: 'The stream’s manifest couldn’t be read',
  5: 'The stream couldn’t be played',
  6: 'Protected content couldn’t be unlocked',
  7: 'The player failed',
  9: 'Offline storage failed',
};

export function isShakaError(e: unknown): e is ShakaError {
  return typeof e === 'object' && e !== null && 'category' in e && 'code' in e && 'severity' in e;
}

/** HTTP status in a Shaka BAD_HTTP_STATUS (1001) error, if any. */
export function shakaHttpStatus(e: ShakaError): number | null {
  return e.code === 1001 && Array.isArray(e.data) && typeof e.data[1] === 'number' ? e.data[1] : null;
}

export function fromShakaError(e: ShakaError): PlayerError {
  const status = shakaHttpStatus(e);
  const detail = status ? ` (HTTP ${status})` : e.code === 1002 ? ' (network error)' : '';
  return {
    kind: 'playback',
    title: 'Playback error',
    message: `${CATEGORY[e.category as number] ?? 'Something went wrong while playing'}${detail}.`,
    code: `shaka:${e.code}`,
    retryable: true,
  };
}

export function toPlayerError(e: unknown): PlayerError {
  if (e instanceof ApiError) return fromApiError(e);
  if (isShakaError(e)) return fromShakaError(e);
  return {
    kind: 'playback',
    title: 'Playback error',
    message: e instanceof Error ? e.message : 'Something went wrong.',
    retryable: true,
  };
}

export const UNSUPPORTED: PlayerError = {
  kind: 'unsupported',
  title: 'This browser can’t play Marquee',
  message: 'Your browser lacks Media Source Extensions. Try a recent Chrome, Edge, Firefox or Safari.',
  code: 'browser_unsupported',
  retryable: false,
};
