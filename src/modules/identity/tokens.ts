import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Caller } from './types.ts';

const ISSUER = 'marquee';

export interface AccessTokenSigner {
  sign(caller: Caller): Promise<string>;
  verify(token: string): Promise<Caller | undefined>;
}

export function accessTokenSigner(secret: string, ttlSec: number): AccessTokenSigner {
  const key = new TextEncoder().encode(secret);
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
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string') return undefined;
        const p = payload as Record<string, unknown>;
        return {
          accountId: payload.sub,
          role: p.role as Caller['role'],
          plan: p.plan as Caller['plan'],
          country: p.country as string,
          ...(p.profile ? { profile: p.profile as NonNullable<Caller['profile']> } : {}),
        };
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
