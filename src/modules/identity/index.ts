import type { Kysely } from 'kysely';
import type { RateLimiter } from '../../platform/ratelimit/index.ts';
import { type Authenticator, authenticator } from './auth.ts';
import { identityMigrations } from './migrations.ts';
import { identityRepository } from './repository.ts';
import { identityRoutes } from './routes.ts';
import { type IdentityService, identityService } from './service.ts';
import { accessTokenSigner } from './tokens.ts';

export type { Authenticator } from './auth.ts';
export type { IdentityService, Account } from './service.ts';
export { PLANS, type AccountRole, type Caller, type Plan, type ProfileCaller } from './types.ts';
export { identityMigrations };

export interface IdentityModuleOptions {
  db: Kysely<object>;
  limiter: RateLimiter;
  jwtSecret: string;
  accessTtlSec: number;
  refreshTtlSec: number;
  loginMaxAttempts: number;
  loginIpMaxAttempts: number;
  loginWindowSec: number;
}

export function identityModule(o: IdentityModuleOptions): { service: IdentityService; auth: Authenticator; routes: ReturnType<typeof identityRoutes> } {
  const signer = accessTokenSigner(o.jwtSecret, o.accessTtlSec);
  const service = identityService({
    repo: identityRepository(o.db),
    signer,
    limiter: o.limiter,
    refreshTtlSec: o.refreshTtlSec,
    loginMaxAttempts: o.loginMaxAttempts,
    loginIpMaxAttempts: o.loginIpMaxAttempts,
    loginWindowSec: o.loginWindowSec,
  });
  const auth = authenticator(signer);
  return { service, auth, routes: identityRoutes(service, auth) };
}
