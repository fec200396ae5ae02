import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * ClearKey licences in the W3C EME JSON format:
 * request `{kids: [base64url kid], type}`, response `{keys: [{kty: 'oct', k, kid}], type}`.
 */
export interface LicenceRequest {
  kids: string[];
  type: 'temporary' | 'persistent-license';
}

export type ParsedLicenceRequest = { ok: true; kids: Buffer[]; type: LicenceRequest['type'] } | { ok: false; message: string; field: string };

const B64URL = /^[A-Za-z0-9_-]{22}$/;

export function parseLicenceRequest(body: unknown): ParsedLicenceRequest {
  if (typeof body !== 'object' || body === null) return { ok: false, message: 'The licence request must be JSON {kids, type}', field: 'kids' };
  const { kids, type = 'temporary' } = body as { kids?: unknown; type?: unknown };
  if (!Array.isArray(kids) || kids.length === 0 || kids.length > 16) return { ok: false, message: 'kids must list 1 to 16 key ids', field: 'kids' };
  if (!kids.every((k) => typeof k === 'string' && B64URL.test(k))) return { ok: false, message: 'each kid is a 16-byte key id in unpadded base64url', field: 'kids' };
  if (type !== 'temporary' && type !== 'persistent-license') return { ok: false, message: 'type must be temporary or persistent-license', field: 'type' };
  return { ok: true, kids: (kids as string[]).map((k) => Buffer.from(k, 'base64url')), type };
}

export function licenceResponse(keys: { kid: Buffer; key: Buffer }[], type: LicenceRequest['type']) {
  return { keys: keys.map((k) => ({ kty: 'oct' as const, kid: k.kid.toString('base64url'), k: k.key.toString('base64url') })), type };
}

/**
 * The secret a player shows the licence endpoint for its session. It is handed out only in the
 * playback start response and travels in a header, never in a URL (media URLs, which carry the
 * playback id, end up in CDN logs).
 */
const signLicenceToken = (secret: string, playbackId: string): string => createHmac('sha256', secret).update(`licence:${playbackId}`).digest('base64url');

export function licenceToken(secret: string, playbackId: string): string {
  return `${playbackId}.${signLicenceToken(secret, playbackId)}`;
}

/** The playback id a licence token was issued for, or undefined if it is not one of ours. */
export function checkLicenceToken(secret: string, token: string | undefined): string | undefined {
  const m = token ? /^([A-Za-z0-9-]{1,64})\.([A-Za-z0-9_-]{43})$/.exec(token) : null;
  if (!m) return undefined;
  const expected = Buffer.from(signLicenceToken(secret, m[1]!));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1] : undefined;
}
