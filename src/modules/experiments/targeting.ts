import { DEVICES, type Device, RULE_TYPES, type TargetRule } from './types.ts';

/** What targeting rules look at, gathered once per request. */
export interface TargetingContext {
  country: string;
  device: Device | null;
  plan: string;
  /** Whole days since the account was created. */
  tenureDays: number | null;
  kids: boolean | null;
}

const TENURE = /^(\d{0,5})-(\d{0,5})$/;

export function parseTenure(value: string): { min: number; max: number } | null {
  const m = TENURE.exec(value);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  const min = m[1] === '' ? 0 : Number(m[1]);
  const max = m[2] === '' ? Infinity : Number(m[2]);
  return min < max ? { min, max } : null;
}

function valueMatches(rule: TargetRule, value: string, ctx: TargetingContext): boolean {
  switch (rule.type) {
    case 'country':
      return value.toUpperCase() === ctx.country.toUpperCase();
    case 'device':
      return ctx.device !== null && value === ctx.device;
    case 'plan':
      return value === ctx.plan;
    case 'kids':
      return ctx.kids !== null && value === String(ctx.kids);
    case 'tenure': {
      const range = parseTenure(value);
      return range !== null && ctx.tenureDays !== null && ctx.tenureDays >= range.min && ctx.tenureDays < range.max;
    }
  }
}

/** A rule matches when any of its values does; `include: false` turns that round. */
export function matchesRule(rule: TargetRule, ctx: TargetingContext): boolean {
  const any = rule.values.some((v) => valueMatches(rule, v, ctx));
  return rule.include ? any : !any;
}

export function matchesTargeting(rules: readonly TargetRule[], ctx: TargetingContext): boolean {
  return rules.every((r) => matchesRule(r, ctx));
}

/** Why a rule is unusable (a message naming the bad value), or null when it is fine. */
export function ruleProblem(rule: TargetRule, plans: readonly string[]): string | null {
  if (!(RULE_TYPES as readonly string[]).includes(rule.type)) return `unknown rule type "${rule.type}"`;
  if (rule.values.length === 0) return `a ${rule.type} rule needs at least one value`;
  for (const v of rule.values) {
    const ok =
      rule.type === 'country'
        ? /^[A-Za-z]{2}$/.test(v)
        : rule.type === 'device'
          ? (DEVICES as readonly string[]).includes(v)
          : rule.type === 'plan'
            ? plans.includes(v)
            : rule.type === 'kids'
              ? v === 'true' || v === 'false'
              : parseTenure(v) !== null;
    if (!ok) return `"${v}" is not a valid ${rule.type} value`;
  }
  return null;
}

/** The client's kind of device: an explicit `x-device-type` header wins, else a guess from the user agent. */
export function deviceOf(declared: string | undefined, userAgent: string | undefined): Device {
  if (declared && (DEVICES as readonly string[]).includes(declared)) return declared as Device;
  const ua = userAgent ?? '';
  if (/smart-?tv|tizen|web0s|webos|roku|appletv|crkey|bravia|aft[a-z]/i.test(ua)) return 'tv';
  if (/ipad|tablet/i.test(ua) || (/android/i.test(ua) && !/mobile/i.test(ua))) return 'tablet';
  if (/mobi|iphone|ipod|android/i.test(ua)) return 'mobile';
  return 'web';
}

export function tenureDays(createdAtIso: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(createdAtIso)) / 86_400_000));
}
