/**
 * What the gateway knows of each route: which rate-limit category it counts against, and how
 * essential it is when the API sheds load. Matching is on the route pattern, not the raw URL.
 */

export const RATE_CATEGORIES = ['auth', 'browse', 'search', 'playback_start', 'progress'] as const;
export type RateCategory = (typeof RATE_CATEGORIES)[number];

/** critical: playing and resuming video; standard: browsing; optional: the first to be shed. */
export type Criticality = 'critical' | 'standard' | 'optional';

export interface RoutePolicy {
  category: RateCategory | undefined;
  criticality: Criticality;
}

const RULES: { method?: string; pattern: RegExp; policy: RoutePolicy }[] = [
  { pattern: /^\/(healthz|readyz|metrics)$/, policy: { category: undefined, criticality: 'critical' } },
  { pattern: /^\/media\//, policy: { category: undefined, criticality: 'critical' } },
  { pattern: /^\/api\/v1\/auth\//, policy: { category: 'auth', criticality: 'critical' } },
  { method: 'POST', pattern: /^\/api\/v1\/playback\/[^/]+\/start$/, policy: { category: 'playback_start', criticality: 'critical' } },
  { pattern: /^\/api\/v1\/playback\//, policy: { category: 'progress', criticality: 'critical' } },
  { method: 'POST', pattern: /^\/api\/v1\/progress$/, policy: { category: 'progress', criticality: 'critical' } },
  { pattern: /^\/api\/v1\/(profiles|account)(\/|$)/, policy: { category: 'browse', criticality: 'critical' } },
  { pattern: /^\/api\/v1\/search(\/|$)/, policy: { category: 'search', criticality: 'optional' } },
  { pattern: /^\/api\/v1\/recommendations(\/|$)/, policy: { category: 'browse', criticality: 'optional' } },
  { pattern: /^\/api\/v1\/history\/export/, policy: { category: 'browse', criticality: 'optional' } },
  { pattern: /^\/api\/v1\/(home|titles|genres|continue-watching|my-list|ratings|history|avatars)(\/|$)/, policy: { category: 'browse', criticality: 'standard' } },
  // On-call must be able to see and steer the system when it is most loaded.
  { pattern: /^\/api\/v1\/admin\//, policy: { category: undefined, criticality: 'critical' } },
  { pattern: /^\/api\/v1\/(experiments|qoe)(\/|$)/, policy: { category: undefined, criticality: 'optional' } },
  { pattern: /^\/api\//, policy: { category: undefined, criticality: 'standard' } },
];

// The web app's files: shed only in the last tier, where the app shell is already cached by browsers.
const STATIC: RoutePolicy = { category: undefined, criticality: 'standard' };

/** The policy for a request on `route` (the matched pattern, e.g. `/api/v1/titles/:titleId`). */
export function policyOf(method: string, route: string): RoutePolicy {
  for (const rule of RULES) if ((!rule.method || rule.method === method) && rule.pattern.test(route)) return rule.policy;
  return STATIC;
}
