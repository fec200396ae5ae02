import type { FastifyRequest } from 'fastify';
import { forbidden, unauthenticated } from '../../platform/errors.ts';
import type { AccessTokenSigner } from './tokens.ts';
import type { AccountRole, Caller, ProfileCaller } from './types.ts';

/** How every route learns who calls it. Routes call one of these first. */
export interface Authenticator {
  optional(request: FastifyRequest): Promise<Caller | undefined>;
  account(request: FastifyRequest): Promise<Caller>;
  profile(request: FastifyRequest): Promise<ProfileCaller>;
  role(request: FastifyRequest, ...roles: AccountRole[]): Promise<Caller>;
}

const VERIFIED = Symbol('verifiedCaller');
type VerifiedRequest = FastifyRequest & { [VERIFIED]?: Promise<Caller | undefined> };

export function authenticator(signer: AccessTokenSigner): Authenticator {
  const verify = async (header: string | undefined): Promise<Caller | undefined> => {
    if (!header) return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const caller = match ? await signer.verify(match[1]!) : undefined;
    if (!caller) throw unauthenticated('invalid_token', 'Access token is missing, malformed or expired');
    return caller;
  };
  // The gateway (rate limits) and then the route both ask who calls: the token is checked once per request.
  const optional = (request: FastifyRequest): Promise<Caller | undefined> => ((request as VerifiedRequest)[VERIFIED] ??= verify(request.headers.authorization));
  const account = async (request: FastifyRequest): Promise<Caller> => {
    const caller = await optional(request);
    if (!caller) throw unauthenticated('missing_token', 'Sign in first: send Authorization: Bearer <accessToken>');
    return caller;
  };
  return {
    optional,
    account,
    async profile(request) {
      const caller = await account(request);
      if (!caller.profile) throw forbidden('profile_required', 'Select a profile first: this needs a profile token');
      return caller as ProfileCaller;
    },
    async role(request, ...roles) {
      const caller = await account(request);
      if (!roles.includes(caller.role)) throw forbidden('role_required', `This needs the ${roles.join(' or ')} role`);
      return caller;
    },
  };
}
