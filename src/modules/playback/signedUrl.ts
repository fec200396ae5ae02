import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Media URLs carry a token in their path: `/media/<playbackId>.<expiry>[.r<ids>].<sig>/<assetId>/<file>`.
 * Relative references inside manifests (segments, playlists) inherit the token, so every
 * manifest and segment request is signed, bound to one playback session and video, and expires.
 * A session whose plan or device rules out some renditions carries the ones it may fetch
 * (`r0-1-5`: Representation ids, which name the packaged files), so every server of the URL,
 * edges included, refuses the others without a database.
 */
export interface MediaToken {
  playbackId: string;
  assetId: string;
  expiresAtSec: number;
  /** Representation ids this session may fetch; absent: all of them. */
  representations?: readonly string[];
}

const MAX_REPRESENTATIONS = 64;
const representationsPart = (t: MediaToken): string => {
  if (!t.representations) return '';
  if (t.representations.length > MAX_REPRESENTATIONS || !t.representations.every((r) => /^\d{1,3}$/.test(r))) throw new RangeError('representation ids are at most 64 numbers of up to 3 digits');
  return `.r${t.representations.join('-')}`;
};

const sign = (secret: string, t: MediaToken): string =>
  createHmac('sha256', secret).update(`${t.playbackId}:${t.assetId}:${t.expiresAtSec}${t.representations ? `:${representationsPart(t)}` : ''}`).digest('base64url').slice(0, 32);

export function mediaPathPrefix(secret: string, t: MediaToken): string {
  return `/media/${t.playbackId}.${t.expiresAtSec}${representationsPart(t)}.${sign(secret, t)}/${t.assetId}`;
}

/**
 * The Representation a packaged file belongs to, from the packager's names (init-stream<id>.m4s,
 * chunk-stream<id>-<n>.m4s, HLS media playlist media_<id>.m3u8); undefined for files shared by
 * all renditions (manifests, subtitles, images).
 */
export function representationOf(file: string): string | undefined {
  const name = file.slice(file.lastIndexOf('/') + 1);
  return /^(?:init-stream|chunk-stream)(\d+)[-.]/.exec(name)?.[1] ?? /^media_(\d+)\.m3u8$/.exec(name)?.[1];
}

/** Whether a checked token lets its session fetch `file` (a rendition above its plan's cap: no). */
export function mayFetch(t: MediaToken, file: string): boolean {
  if (!t.representations) return true;
  const representation = representationOf(file);
  return representation === undefined || t.representations.includes(representation);
}

/**
 * Stock nginx edges check URLs with `secure_link`, which can only compare an MD5. For them there is
 * a second form of the same token: a 22-character signature, the base64url MD5 of
 * `<expiry><playbackId>/<assetId> <nginx key>`. The nginx key is derived from the signing secret,
 * so an nginx.conf never holds the secret that signs our own URLs. Origin and our edges accept both.
 */
export const nginxLinkKey = (secret: string): string => createHmac('sha256', secret).update('nginx-secure-link').digest('base64url');

const signForNginx = (secret: string, t: MediaToken): string => createHash('md5').update(`${t.expiresAtSec}${t.playbackId}${representationsPart(t)}/${t.assetId} ${nginxLinkKey(secret)}`).digest('base64url');

export function nginxMediaPathPrefix(secret: string, t: MediaToken): string {
  return `/media/${t.playbackId}.${t.expiresAtSec}${representationsPart(t)}.${signForNginx(secret, t)}/${t.assetId}`;
}

export type TokenCheck = { ok: true; token: MediaToken } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function checkMediaToken(secret: string, rawToken: string, assetId: string, nowSec: number): TokenCheck {
  const m = /^([A-Za-z0-9-]{1,64})\.(\d{1,12})(?:\.r(\d{1,3}(?:-\d{1,3}){0,63}))?\.([A-Za-z0-9_-]{32}|[A-Za-z0-9_-]{22})$/.exec(rawToken);
  if (!m) return { ok: false, reason: 'malformed' };
  const token: MediaToken = { playbackId: m[1]!, assetId, expiresAtSec: Number(m[2]), ...(m[3] !== undefined ? { representations: m[3].split('-') } : {}) };
  const expected = Buffer.from(m[4]!.length === 22 ? signForNginx(secret, token) : sign(secret, token));
  const given = Buffer.from(m[4]!);
  if (!timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  if (token.expiresAtSec < nowSec) return { ok: false, reason: 'expired' };
  return { ok: true, token };
}

/**
 * The delivery alternatives (edge base URLs, then the origin) of one session travel in the
 * manifest URL's query, signed, so an edge can list them in the manifest without a database
 * and nobody can point someone else's player at a host of their choosing.
 */
const signAlternates = (secret: string, playbackId: string, encoded: string): string =>
  createHmac('sha256', secret).update(`alt:${playbackId}:${encoded}`).digest('base64url').slice(0, 32);

export function alternatesQuery(secret: string, playbackId: string, baseUrls: readonly string[]): string {
  const encoded = Buffer.from(JSON.stringify(baseUrls)).toString('base64url');
  return `alt=${encoded}&altsig=${signAlternates(secret, playbackId, encoded)}`;
}

/** The signed alternatives, or undefined when absent, malformed or not signed by us. */
export function checkAlternates(secret: string, playbackId: string, alt: string | undefined, altsig: string | undefined): string[] | undefined {
  if (!alt || !altsig || alt.length > 4000 || !/^[A-Za-z0-9_-]+$/.test(alt)) return undefined;
  const expected = Buffer.from(signAlternates(secret, playbackId, alt));
  const given = Buffer.from(altsig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const list: unknown = JSON.parse(Buffer.from(alt, 'base64url').toString('utf8'));
    if (!Array.isArray(list) || !list.every((u) => typeof u === 'string' && /^https?:\/\//.test(u))) return undefined;
    return list as string[];
  } catch {
    return undefined;
  }
}
