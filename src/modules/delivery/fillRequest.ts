import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A push of objects to an edge: signed with the shared delivery secret, so only the fill job
 * (which holds it) can make an edge pull from the origin. The signature covers the time and the
 * exact list of paths; a request older than a few minutes is refused.
 */
export interface FillRequest {
  paths: string[];
  ts: number;
  sig: string;
}

const payload = (paths: readonly string[], ts: number): string => `fill:${ts}:${createHash('sha256').update(paths.join('\n')).digest('base64url')}`;

export function signFillRequest(secret: string, paths: readonly string[], nowMs: number): FillRequest {
  const ts = Math.floor(nowMs / 1000);
  return { paths: [...paths], ts, sig: createHmac('sha256', secret).update(payload(paths, ts)).digest('base64url') };
}

export function verifyFillRequest(secret: string, r: FillRequest, nowMs: number, maxSkewSec = 300): boolean {
  if (!Number.isInteger(r.ts) || Math.abs(Math.floor(nowMs / 1000) - r.ts) > maxSkewSec) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(payload(r.paths, r.ts)).digest('base64url'));
  const given = Buffer.from(r.sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
