import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimitRule } from '../config.ts';
import { rateLimited } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { RateDecision, RateLimiter } from '../ratelimit/index.ts';

export interface RateLimitOptions {
  limiter: RateLimiter;
  rules: Readonly<Record<string, RateLimitRule>>;
  /** The category a request counts against; undefined: not limited. */
  categoryOf(request: FastifyRequest): string | undefined;
  /** Who is calling, when known (a verified token, or the account a sign-in names). */
  accountOf(request: FastifyRequest): Promise<string | undefined>;
  metrics: Metrics;
}

/**
 * Sliding-window limits per category, per account and per IP, checked before a handler runs.
 * Every limited response carries X-RateLimit-* for the tighter of the two; a refusal is a 429
 * with Retry-After. If the limiter's store fails, requests go through: limits protect the
 * service, and an outage of Redis must not become an outage of the API.
 */
export function installRateLimits(app: FastifyInstance, o: RateLimitOptions): void {
  const refused = o.metrics.counter('marquee_rate_limited_total', 'Requests refused by a rate limit', ['category', 'scope']);
  app.addHook('preValidation', async (request, reply) => {
    const category = o.categoryOf(request);
    const rule = category ? o.rules[category] : undefined;
    if (!category || !rule) return;
    let binding: { scope: 'account' | 'ip'; decision: RateDecision };
    try {
      const account = await o.accountOf(request).catch(() => undefined);
      // Both are counted, the account's and the address's, and whichever binds is reported.
      const [byAccount, byIp] = await Promise.all([
        account ? o.limiter.hit(`${category}:acct:${account}`, rule.perAccount, rule.windowSec) : undefined,
        o.limiter.hit(`${category}:ip:${request.ip}`, rule.perIp, rule.windowSec),
      ]);
      binding = byAccount && (!byAccount.allowed || (byIp.allowed && byAccount.remaining <= byIp.remaining)) ? { scope: 'account', decision: byAccount } : { scope: 'ip', decision: byIp };
    } catch (err) {
      request.log.warn({ err, category }, 'rate limiter unavailable; request let through');
      return;
    }
    const d = binding.decision;
    reply.header('x-ratelimit-limit', String(d.limit));
    reply.header('x-ratelimit-remaining', String(d.remaining));
    reply.header('x-ratelimit-reset', String(d.resetSec));
    if (!d.allowed) {
      refused.inc({ category, scope: binding.scope });
      throw rateLimited('rate_limited', `Too many ${category.replace('_', ' ')} requests from this ${binding.scope === 'ip' ? 'address' : 'account'}; retry in ${d.retryAfterSec} s`, d.retryAfterSec);
    }
  });
}
