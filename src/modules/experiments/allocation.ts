import { murmur3_32 } from './murmur3.ts';
import { type TargetingContext, matchesTargeting } from './targeting.ts';
import type { Assignment, ExperimentStatus, TargetRule, UnitType } from './types.ts';

/** 10,000 buckets: allocation and weights have 0.01% granularity. */
export const BUCKETS = 10_000;

export const bucketOf = (key: string): number => murmur3_32(key) % BUCKETS;

/** Percent (two decimals) to buckets. */
export const toBuckets = (percent: number): number => Math.round(percent * 100);

/** The experiment as allocation sees it: everything in buckets, dates in epoch ms. */
export interface LiveExperiment {
  id: string;
  key: string;
  status: ExperimentStatus;
  unit: UnitType;
  allocationBuckets: number;
  /** Cumulative upper bounds of each variant in buckets; the last is BUCKETS. */
  variantBounds: number[];
  variants: { key: string; config: Record<string, unknown> }[];
  targeting: TargetRule[];
  layer: { name: string; offset: number } | null;
  startAt: number | null;
  endAt: number | null;
}

/** Cumulative bounds for weights in percent that sum to 100. */
export function variantBounds(weightsPercent: readonly number[]): number[] {
  let sum = 0;
  const bounds = weightsPercent.map((w) => (sum += toBuckets(w)));
  if (sum !== BUCKETS) throw new Error(`variant weights sum to ${sum / 100}%, not 100%`);
  return bounds;
}

/**
 * Is this unit in the experiment's population? Without a layer: murmur3("unit:experiment")
 * below the allocation, as in the seeds. In a layer: the unit's layer bucket inside this
 * experiment's slice, so two experiments of one layer can never both hold a unit.
 */
export function inPopulation(unitId: string, e: Pick<LiveExperiment, 'id' | 'allocationBuckets' | 'layer'>): boolean {
  if (e.layer) {
    const b = bucketOf(`${unitId}:layer:${e.layer.name}`);
    return b >= e.layer.offset && b < e.layer.offset + e.allocationBuckets;
  }
  return bucketOf(`${unitId}:${e.id}`) < e.allocationBuckets;
}

/** Which variant, from a second hash independent of the population hash. */
export function pickVariant(unitId: string, experimentId: string, bounds: readonly number[]): number {
  const b = bucketOf(`${unitId}:${experimentId}:variant`);
  for (let i = 0; i < bounds.length; i++) if (b < bounds[i]!) return i;
  return 0;
}

/** Globally held-out accounts see no experiment at all (an account-level hash, its own salt). */
export function inHoldout(accountId: string, holdoutBuckets: number): boolean {
  return holdoutBuckets > 0 && bucketOf(`${accountId}:global-holdout`) < holdoutBuckets;
}

export function isLive(e: Pick<LiveExperiment, 'status' | 'startAt' | 'endAt'>, now: number): boolean {
  return e.status === 'running' && (e.startAt === null || now >= e.startAt) && (e.endAt === null || now < e.endAt);
}

/** First free slice of `size` buckets in a layer whose taken slices are given; null when none fits. */
export function firstFreeSlice(taken: readonly { offset: number; size: number }[], size: number): number | null {
  let at = 0;
  for (const t of [...taken].sort((a, b) => a.offset - b.offset)) {
    if (t.offset - at >= size) return at;
    at = Math.max(at, t.offset + t.size);
  }
  return BUCKETS - at >= size ? at : null;
}

export interface AssignInput {
  accountId: string;
  profileId: string | null;
  context: TargetingContext;
  experiments: readonly LiveExperiment[];
  holdoutBuckets: number;
  /** QA overrides for this account: experiment id to variant key. */
  overrides: ReadonlyMap<string, string>;
  now: number;
}

/** Every experiment this unit is in, with its variant. Pure: same input, same answer, anywhere. */
export function assignAll(input: AssignInput): Assignment[] {
  const out: Assignment[] = [];
  const heldOut = inHoldout(input.accountId, input.holdoutBuckets);
  for (const e of input.experiments) {
    const unitId = e.unit === 'account' ? input.accountId : input.profileId;
    if (unitId === null) continue;
    const forced = input.overrides.get(e.id);
    if (forced !== undefined && e.status !== 'completed') {
      const v = e.variants.find((x) => x.key === forced);
      if (v) {
        out.push({ experimentId: e.id, key: e.key, variant: v.key, config: v.config, unitType: e.unit, unitId, source: 'override' });
        continue;
      }
    }
    if (heldOut || !isLive(e, input.now) || !matchesTargeting(e.targeting, input.context) || !inPopulation(unitId, e)) continue;
    const v = e.variants[pickVariant(unitId, e.id, e.variantBounds)]!;
    out.push({ experimentId: e.id, key: e.key, variant: v.key, config: v.config, unitType: e.unit, unitId, source: 'allocated' });
  }
  return out;
}
