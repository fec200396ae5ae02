import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../platform/config.ts';
import { installLoadShedding } from '../platform/http/loadShedding.ts';
import { installRateLimits } from '../platform/http/rateLimits.ts';
import type { LoadMonitor } from '../platform/load/index.ts';
import type { Metrics } from '../platform/metrics.ts';
import type { RateLimiter } from '../platform/ratelimit/index.ts';
import type { Authenticator } from '../modules/identity/index.ts';
import { policyOf } from './routePolicy.ts';

export { RATE_CATEGORIES, policyOf } from './routePolicy.ts';

const policy = (request: FastifyRequest) => policyOf(request.method, request.routeOptions.url ?? request.url.split('?')[0]!);

/** Who a request counts against: the verified caller, or for a sign-in, the account it names. */
async function accountOf(auth: Authenticator, request: FastifyRequest): Promise<string | undefined> {
  const caller = await auth.optional(request);
  if (caller) return caller.accountId;
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? `email:${email.trim().toLowerCase()}` : undefined;
}

/** The API gateway's cross-cutting rules: load shedding first (cheapest), then rate limits. */
export function installGateway(app: FastifyInstance, o: { config: Config; limiter: RateLimiter; auth: Authenticator; monitor: LoadMonitor; metrics: Metrics }): void {
  installLoadShedding(app, { monitor: o.monitor, metrics: o.metrics, criticalityOf: (r) => policy(r).criticality });
  installRateLimits(app, { limiter: o.limiter, rules: o.config.rateLimits, metrics: o.metrics, categoryOf: (r) => policy(r).category, accountOf: (r) => accountOf(o.auth, r) });
}
