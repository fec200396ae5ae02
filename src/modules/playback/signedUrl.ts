import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Media URLs carry a token in their path: `/media/<playbackId>.<expiry>.<sig>/<assetId>/<file>`.
 * Relative references inside manifests (segments, playlists) inherit the token, so every
 * manifest and segment request is signed, bound to one playback session and video, and expires.
 */
export interface MediaToken {
  playbackId: string;
  assetId: string;
  expiresAtSec: number;
}

const sign = (secret: string, t: MediaToken): string =>
  createHmac('sha256', secret).update(`${t.playbackId}:${t.assetId}:${t.expiresAtSec}`).digest('base64url').slice(0, 32);

export function mediaPathPrefix(secret: string, t: MediaToken): string {
  return `/media/${t.playbackId}.${t.expiresAtSec}.${sign(secret, t)}/${t.assetId}`;
}

export type TokenCheck = { ok: true; token: MediaToken } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function checkMediaToken(secret: string, rawToken: string, assetId: string, nowSec: number): TokenCheck {
  const m = /^([A-Za-z0-9-]{1,64})\.(\d{1,12})\.([A-Za-z0-9_-]{32})$/.exec(rawToken);
  if (!m) return { ok: false, reason: 'malformed' };
  const token: MediaToken = { playbackId: m[1]!, assetId, expiresAtSec: Number(m[2]) };
  const expected = Buffer.from(sign(secret, token));
  const given = Buffer.from(m[3]!);
  if (!timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  if (token.expiresAtSec < nowSec) return { ok: false, reason: 'expired' };
  return { ok: true, token };
}
