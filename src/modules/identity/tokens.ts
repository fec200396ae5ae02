import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Caller } from './types.ts';

const ISSUER = 'marquee';

export interface AccessTokenSigner {
  sign(caller: Caller): Promise<string>;
  verify(token: string): Promise<Caller | undefined>;
}

const VERIFIED_CACHE_SIZE = 20_000;

export function accessTokenSigner(secret: string, ttlSec: number): AccessTokenSigner {
  // Imported once: given raw bytes, jose would import the key again for every signature it checks.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  // Every request verifies a token; most come from the same few thousand viewers. A verified
  // token is remembered until it expires, so the HMAC runs once per token, not once per request.
  const verified = new Map<string, { caller: Caller; expiresAtMs: number }>();
  return {
    async sign(caller) {
      return new SignJWT({ role: caller.role, plan: caller.plan, country: caller.country, ...(caller.profile ? { profile: caller.profile } : {}) })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(caller.accountId)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSec)
        .sign(key);
    },
    async verify(token) {
      const hit = verified.get(token);
      if (hit && hit.expiresAtMs > Date.now()) return hit.caller;
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return undefined;
        const p = payload as Record<string, unknown>;
        const caller: Caller = {
          accountId: payload.sub,
          role: p.role as Caller['role'],
          plan: p.plan as Caller['plan'],
          country: p.country as string,
          ...(p.profile ? { profile: p.profile as NonNullable<Caller['profile']> } : {}),
        };
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
        verified.set(token, { caller, expiresAtMs: payload.exp * 1000 });
        return caller;
      } catch {
        return undefined;
      }
    },
  };
}

/** Refresh tokens are random and opaque; only their SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');
