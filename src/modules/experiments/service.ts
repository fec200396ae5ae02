import type { Kysely } from 'kysely';
import { newId, nowIso } from '../../platform/db/index.ts';
import { DomainError, conflict, invalid, notFound } from '../../platform/errors.ts';
import type { Caller } from '../identity/index.ts';
import { type LiveExperiment, assignAll, firstFreeSlice, toBuckets, variantBounds } from './allocation.ts';
import { type Analysis, METRICS, type ProgressEvent, type SessionEvent, type UnitMetrics, PRE_PERIOD_DAYS, analyse, unitMetrics } from './analysis.ts';
import { type ExperimentsRepository, chunks, experimentsRepository } from './repository.ts';
import { type TargetingContext, ruleProblem, tenureDays } from './targeting.ts';
import { type Assignment, type Device, type Experiment, type TargetRule, UNIT_TYPES, type UnitType, type Variant } from './types.ts';

/** Where analysis reads viewing events; app.ts builds it from the playback and viewing modules. */
export interface ActivitySource {
  sessions(q: { profileIds?: string[]; accountIds?: string[]; since: string }): Promise<{ accountId: string; profileId: string; startedAt: string; lastSeenAt: string }[]>;
  progress(profileIds: string[], since: string): Promise<{ profileId: string; videoId: string; finished: boolean; updatedAt: string }[]>;
}

export interface ExperimentsDeps {
  db: Kysely<object>;
  /** When an account was created (tenure targeting). */
  accountCreatedAt(accountId: string): Promise<string | undefined>;
  activity: ActivitySource;
  plans: readonly string[];
  clock?: () => number;
  /** How long a process trusts its copy of the running experiments before re-reading (other machines' edits). */
  cacheTtlMs?: number;
  /** Cached assignment sets (per unit and targeting context). */
  assignmentCacheSize?: number;
  /** Told of each freshly computed allocation (metrics). */
  onAllocated?: (a: Assignment) => void;
}

export interface ExperimentInput {
  key: string;
  name: string;
  description?: string;
  unit?: UnitType;
  allocation: number;
  variants: { key: string; name?: string; weight: number; config?: Record<string, unknown> }[];
  targeting?: { type: TargetRule['type']; values: string[]; include?: boolean }[];
  metrics?: string[];
  layer?: string | null;
  startDate?: string | null;
  endDate?: string | null;
}

export type ExperimentPatch = Partial<Omit<ExperimentInput, 'key'>>;

/** What a feature needs to decide: the caller's arm and every arm's config (to tell whether the arms differ here). */
export interface Decision {
  assignment: Assignment;
  variants: { key: string; config: Record<string, unknown> }[];
}

interface Snapshot {
  version: number;
  loadedAt: number;
  live: LiveExperiment[];
  byKey: Map<string, LiveExperiment>;
  overrides: Map<string, Map<string, string>>;
  holdoutBuckets: number;
}

const KEY = /^[a-z0-9][a-z0-9_-]{1,63}$/;
const VARIANT_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const HOLDOUT = 'global_holdout_percent';
const METRIC_IDS: readonly string[] = METRICS.map((m) => m.id);
/** At most this share may be held out of every experiment. */
export const MAX_HOLDOUT_PERCENT = 20;

const hundredths = (x: number) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-9;

function toLive(e: Experiment): LiveExperiment {
  return {
    id: e.id,
    key: e.key,
    status: e.status,
    unit: e.unit,
    allocationBuckets: toBuckets(e.allocation),
    variantBounds: variantBounds(e.variants.map((v) => v.weight)),
    variants: e.variants.map((v) => ({ key: v.key, config: v.config })),
    targeting: e.targeting,
    layer: e.layer !== null && e.layerOffset !== null ? { name: e.layer, offset: e.layerOffset } : null,
    startAt: e.startDate ? Date.parse(e.startDate) : null,
    endAt: e.endDate ? Date.parse(e.endDate) : null,
  };
}

/** Checks a whole definition; throws `invalid` naming the field. */
export function checkDefinition(e: Experiment, plans: readonly string[]): void {
  if (!KEY.test(e.key)) throw invalid('invalid_experiment', 'key must be 2-64 lowercase letters, digits, _ or -', 'key');
  if (!e.name.trim()) throw invalid('invalid_experiment', 'name must not be blank', 'name');
  if (!(UNIT_TYPES as readonly string[]).includes(e.unit)) throw invalid('invalid_experiment', `unit must be one of ${UNIT_TYPES.join(', ')}`, 'unit');
  if (!(e.allocation > 0 && e.allocation <= 100) || !hundredths(e.allocation)) throw invalid('invalid_experiment', 'allocation must be a percentage above 0 and at most 100, in steps of 0.01', 'allocation');
  if (e.variants.length < 2 || e.variants.length > 10) throw invalid('invalid_experiment', 'an experiment needs 2 to 10 variants (the first is the control)', 'variants');
  const keys = new Set<string>();
  e.variants.forEach((v, i) => {
    if (!VARIANT_KEY.test(v.key)) throw invalid('invalid_experiment', 'variant key must be 1-64 lowercase letters, digits, _ or -', `variants.${i}.key`);
    if (keys.has(v.key)) throw invalid('invalid_experiment', `variant key "${v.key}" is used twice`, `variants.${i}.key`);
    keys.add(v.key);
    if (!(v.weight > 0) || !hundredths(v.weight)) throw invalid('invalid_experiment', 'weight must be a positive percentage in steps of 0.01', `variants.${i}.weight`);
  });
  const sum = e.variants.reduce((a, v) => a + toBuckets(v.weight), 0);
  if (sum !== 10_000) throw invalid('invalid_experiment', `variant weights must sum to 100 (they sum to ${sum / 100})`, 'variants');
  e.targeting.forEach((r, i) => {
    const problem = ruleProblem(r, plans);
    if (problem) throw invalid('invalid_experiment', problem, `targeting.${i}`);
  });
  const unknown = e.metrics.find((m) => !METRIC_IDS.includes(m));
  if (unknown) throw invalid('invalid_experiment', `unknown metric "${unknown}" (known: ${METRIC_IDS.join(', ')})`, 'metrics');
  if (e.layer !== null && !KEY.test(e.layer)) throw invalid('invalid_experiment', 'layer must be 2-64 lowercase letters, digits, _ or -', 'layer');
  for (const field of ['startDate', 'endDate'] as const) {
    if (e[field] !== null && Number.isNaN(Date.parse(e[field]!))) throw invalid('invalid_experiment', `${field} must be an ISO date-time`, field);
  }
  if (e.startDate && e.endDate && Date.parse(e.endDate) <= Date.parse(e.startDate)) throw invalid('invalid_experiment', 'endDate must be after startDate', 'endDate');
}

const normalise = (input: ExperimentPatch, into: Experiment): Experiment => ({
  ...into,
  ...(input.name !== undefined && { name: input.name.trim() }),
  ...(input.description !== undefined && { description: input.description }),
  ...(input.unit !== undefined && { unit: input.unit }),
  ...(input.allocation !== undefined && { allocation: input.allocation }),
  ...(input.variants !== undefined && {
    variants: input.variants.map((v): Variant => ({ key: v.key, name: v.name?.trim() || v.key, weight: v.weight, config: v.config ?? {} })),
  }),
  ...(input.targeting !== undefined && { targeting: input.targeting.map((r) => ({ type: r.type, values: r.values, include: r.include ?? true })) }),
  ...(input.metrics !== undefined && { metrics: input.metrics }),
  ...(input.layer !== undefined && { layer: input.layer }),
  ...(input.startDate !== undefined && { startDate: input.startDate && new Date(input.startDate).toISOString() }),
  ...(input.endDate !== undefined && { endDate: input.endDate && new Date(input.endDate).toISOString() }),
});

const sameVariants = (a: Variant[], b: Variant[]) => JSON.stringify(a.map((v) => [v.key, v.weight, v.config])) === JSON.stringify(b.map((v) => [v.key, v.weight, v.config]));

export function experimentsService(d: ExperimentsDeps) {
  const repo: ExperimentsRepository = experimentsRepository(d.db);
  const clock = d.clock ?? Date.now;
  const ttl = d.cacheTtlMs ?? 5000;
  const cacheSize = d.assignmentCacheSize ?? 50_000;

  let snap: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;
  let version = 0;
  const assignmentCache = new Map<string, { version: number; assignments: Assignment[] }>();
  const createdAt = new Map<string, string | null>();
  const exposed = new Set<string>();

  async function load(): Promise<Snapshot> {
    const open = await repo.open();
    const live = open.map(toLive);
    const overrides = new Map<string, Map<string, string>>();
    for (const o of await repo.overrides(open.map((e) => e.id))) {
      let m = overrides.get(o.account_id);
      if (!m) overrides.set(o.account_id, (m = new Map()));
      m.set(o.experiment_id, o.variant);
    }
    const holdout = Number((await repo.setting(HOLDOUT)) ?? 0);
    const next: Snapshot = { version: ++version, loadedAt: clock(), live, byKey: new Map(live.map((e) => [e.key, e])), overrides, holdoutBuckets: toBuckets(holdout) };
    if (!snap || JSON.stringify([snap.live, [...snap.overrides].map(([k, v]) => [k, [...v]]), snap.holdoutBuckets]) !== JSON.stringify([next.live, [...next.overrides].map(([k, v]) => [k, [...v]]), next.holdoutBuckets])) {
      assignmentCache.clear();
    }
    return next;
  }

  async function snapshot(): Promise<Snapshot> {
    if (snap && clock() - snap.loadedAt < ttl) return snap;
    loading ??= load().finally(() => (loading = undefined));
    snap = await loading;
    return snap;
  }

  /** After a local write: the next read reloads. Other processes catch up within the TTL. */
  function invalidate(): void {
    snap = undefined;
    assignmentCache.clear();
  }

  async function tenureOf(accountId: string): Promise<number | null> {
    let at = createdAt.get(accountId);
    if (at === undefined) {
      at = (await d.accountCreatedAt(accountId)) ?? null;
      if (createdAt.size > 100_000) createdAt.clear();
      createdAt.set(accountId, at);
    }
    return at === null ? null : tenureDays(at, clock());
  }

  async function mustGet(id: string): Promise<Experiment> {
    const e = await repo.get(id);
    if (!e) throw notFound('experiment_not_found', 'No such experiment');
    return e;
  }

  async function save(e: Experiment): Promise<Experiment> {
    const next = { ...e, updatedAt: nowIso(clock()) };
    await repo.update(next);
    invalidate();
    return next;
  }

  /** Claims a slice of the layer's buckets the first time an experiment starts. */
  async function claimLayerSlice(e: Experiment): Promise<number | null> {
    if (e.layer === null) return null;
    if (e.layerOffset !== null) return e.layerOffset;
    const taken = (await repo.inLayer(e.layer))
      .filter((o) => o.id !== e.id && o.layerOffset !== null && (o.status === 'running' || o.status === 'paused'))
      .map((o) => ({ offset: o.layerOffset!, size: toBuckets(o.allocation) }));
    const offset = firstFreeSlice(taken, toBuckets(e.allocation));
    if (offset === null) throw conflict('layer_full', `Layer "${e.layer}" has no free ${e.allocation}% slice; pause or complete another experiment in it, or lower the allocation`);
    return offset;
  }

  async function assignments(caller: Caller, device: Device | null): Promise<Assignment[]> {
    const s = await snapshot();
    const tenure = await tenureOf(caller.accountId);
    const profileId = caller.profile?.id ?? null;
    const context: TargetingContext = { country: caller.country, device, plan: caller.plan, tenureDays: tenure, kids: caller.profile ? caller.profile.kids : null };
    const cacheKey = `${caller.accountId}|${profileId}|${context.country}|${device}|${context.plan}|${tenure}|${context.kids}`;
    const hit = assignmentCache.get(cacheKey);
    if (hit && hit.version === s.version) return hit.assignments;
    const result = assignAll({ accountId: caller.accountId, profileId, context, experiments: s.live, holdoutBuckets: s.holdoutBuckets, overrides: s.overrides.get(caller.accountId) ?? new Map(), now: clock() });
    for (const a of result) if (a.source === 'allocated') d.onAllocated?.(a);
    if (assignmentCache.size >= cacheSize) assignmentCache.delete(assignmentCache.keys().next().value!);
    assignmentCache.set(cacheKey, { version: s.version, assignments: result });
    return result;
  }

  const api = {
    async create(input: ExperimentInput): Promise<Experiment> {
      const at = nowIso(clock());
      const blank: Experiment = {
        id: newId(),
        key: input.key,
        name: '',
        description: '',
        status: 'draft',
        unit: 'profile',
        allocation: 100,
        variants: [],
        targeting: [],
        metrics: [...METRIC_IDS],
        layer: null,
        layerOffset: null,
        startDate: null,
        endDate: null,
        startedAt: null,
        completedAt: null,
        createdAt: at,
        updatedAt: at,
      };
      const e = normalise(input, blank);
      checkDefinition(e, d.plans);
      try {
        await repo.insert(e);
      } catch (err) {
        if ((await repo.list()).some((x) => x.key === e.key)) throw conflict('experiment_key_taken', `An experiment with key "${e.key}" exists`, 'key');
        throw err;
      }
      invalidate();
      return e;
    },

    /** Creates the experiment as a draft unless one with its key exists (features register theirs at start-up). */
    async ensure(input: ExperimentInput): Promise<void> {
      if ((await repo.list()).some((e) => e.key === input.key)) return;
      await api.create(input).catch((err: unknown) => {
        if (!(err instanceof DomainError && err.code === 'experiment_key_taken')) throw err;
      });
    },

    list: () => repo.list(),
    get: mustGet,

    /** Drafts change freely. Once started, the arms (keys, weights, config) and the population are fixed. */
    async update(id: string, patch: ExperimentPatch): Promise<Experiment> {
      const e = await mustGet(id);
      if (e.status === 'completed') throw conflict('experiment_completed', 'A completed experiment cannot change');
      const next = normalise(patch, e);
      checkDefinition(next, d.plans);
      if (e.status !== 'draft') {
        if (!sameVariants(e.variants, next.variants)) {
          throw conflict('weights_locked', 'Variants, weights and configs of a started experiment cannot change: it would break the analysis. Complete it and start a new one', 'variants');
        }
        if (next.unit !== e.unit || next.layer !== e.layer || JSON.stringify(next.targeting) !== JSON.stringify(e.targeting) || next.startDate !== e.startDate) {
          throw conflict('experiment_locked', 'Unit, layer, targeting and start date of a started experiment cannot change');
        }
        if (next.allocation < e.allocation || (next.allocation !== e.allocation && e.layer !== null)) {
          throw conflict('allocation_locked', 'A started experiment may only ramp its allocation up, and not inside a layer', 'allocation');
        }
      }
      return save(next);
    },

    async start(id: string): Promise<Experiment> {
      const e = await mustGet(id);
      if (e.status !== 'draft' && e.status !== 'paused') throw conflict('invalid_transition', `A ${e.status} experiment cannot start`);
      if (e.endDate && Date.parse(e.endDate) <= clock()) throw conflict('experiment_ended', 'The end date has passed; move it before starting');
      const layerOffset = await claimLayerSlice(e);
      return save({ ...e, status: 'running', layerOffset, startedAt: e.startedAt ?? nowIso(clock()) });
    },

    async pause(id: string): Promise<Experiment> {
      const e = await mustGet(id);
      if (e.status !== 'running') throw conflict('invalid_transition', `A ${e.status} experiment cannot pause`);
      return save({ ...e, status: 'paused' });
    },

    async complete(id: string): Promise<Experiment> {
      const e = await mustGet(id);
      if (e.status !== 'running' && e.status !== 'paused') throw conflict('invalid_transition', `A ${e.status} experiment cannot complete`);
      return save({ ...e, status: 'completed', completedAt: nowIso(clock()) });
    },

    async setOverride(id: string, accountId: string, variant: string): Promise<void> {
      const e = await mustGet(id);
      if (!e.variants.some((v) => v.key === variant)) throw invalid('unknown_variant', `No variant "${variant}" in this experiment`, 'variant');
      await repo.setOverride(id, accountId, variant, nowIso(clock()));
      invalidate();
    },

    async removeOverride(id: string, accountId: string): Promise<void> {
      await mustGet(id);
      await repo.removeOverride(id, accountId);
      invalidate();
    },

    async overrides(id: string): Promise<{ accountId: string; variant: string }[]> {
      await mustGet(id);
      return (await repo.overrides([id])).map((o) => ({ accountId: o.account_id, variant: o.variant }));
    },

    async holdout(): Promise<{ percent: number }> {
      return { percent: Number((await repo.setting(HOLDOUT)) ?? 0) };
    },

    /** Changing the holdout moves members in and out of every experiment, so only while none runs. */
    async setHoldout(percent: number): Promise<{ percent: number }> {
      if (!(percent >= 0 && percent <= MAX_HOLDOUT_PERCENT) || !hundredths(percent)) throw invalid('invalid_holdout', `percent must be 0 to ${MAX_HOLDOUT_PERCENT} in steps of 0.01`, 'percent');
      if ((await repo.open()).some((e) => e.status === 'running' || e.status === 'paused')) throw conflict('experiments_running', 'Complete the running and paused experiments before changing the global holdout');
      await repo.putSetting(HOLDOUT, String(percent));
      invalidate();
      return { percent };
    },

    assignments,

    /** The caller's arm of the experiment with this key, or undefined when they are not in it. */
    async decide(caller: Caller, device: Device | null, key: string): Promise<Decision | undefined> {
      const assignment = (await assignments(caller, device)).find((a) => a.key === key);
      if (!assignment) return undefined;
      const e = (await snapshot()).byKey.get(key);
      return { assignment, variants: e ? e.variants : [{ key: assignment.variant, config: assignment.config }] };
    },

    /** Logs the unit's first exposure; QA overrides are never logged. True when this call logged it. */
    async expose(caller: Caller, a: Assignment): Promise<boolean> {
      if (a.source !== 'allocated') return false;
      const seen = `${a.experimentId}|${a.unitId}`;
      if (exposed.has(seen)) return false;
      const logged = await repo.logExposure({ experiment_id: a.experimentId, unit_id: a.unitId, variant: a.variant, account_id: caller.accountId, profile_id: caller.profile?.id ?? null, exposed_at: nowIso(clock()) });
      if (exposed.size > 500_000) exposed.clear();
      exposed.add(seen);
      return logged;
    },

    async results(id: string): Promise<{ experiment: Experiment; window: { from: string | null; to: string }; analysis: Analysis }> {
      const e = await mustGet(id);
      const exposures = await repo.exposures(id);
      const end = e.completedAt ? Date.parse(e.completedAt) : clock();
      const first = exposures.length ? Date.parse(exposures[0]!.exposed_at) : end;
      const since = nowIso(first - PRE_PERIOD_DAYS * 86_400_000);
      const unitIds = exposures.map((x) => x.unit_id);
      const sessionsByUnit = new Map<string, SessionEvent[]>();
      const progressByUnit = new Map<string, ProgressEvent[]>();
      const push = <T>(m: Map<string, T[]>, k: string, v: T) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
      const profileToUnit = new Map<string, string>();
      for (const ids of chunks(unitIds)) {
        const sessions = await d.activity.sessions(e.unit === 'account' ? { accountIds: ids, since } : { profileIds: ids, since });
        for (const s of sessions) {
          const unit = e.unit === 'account' ? s.accountId : s.profileId;
          push(sessionsByUnit, unit, { startedAt: Date.parse(s.startedAt), lastSeenAt: Date.parse(s.lastSeenAt) });
          profileToUnit.set(s.profileId, unit);
        }
      }
      if (e.unit === 'profile') for (const u of unitIds) profileToUnit.set(u, u);
      for (const ids of chunks([...profileToUnit.keys()])) {
        for (const p of await d.activity.progress(ids, nowIso(first))) push(progressByUnit, profileToUnit.get(p.profileId)!, { updatedAt: Date.parse(p.updatedAt), finished: p.finished });
      }
      const units: UnitMetrics[] = exposures.map((x) => unitMetrics(x.variant, Date.parse(x.exposed_at), end, sessionsByUnit.get(x.unit_id) ?? [], progressByUnit.get(x.unit_id) ?? []));
      const analysis = analyse(e.variants.map((v) => ({ key: v.key, weight: v.weight })), units);
      analysis.metrics = analysis.metrics.filter((m) => e.metrics.includes(m.metric));
      return { experiment: e, window: { from: exposures.length ? exposures[0]!.exposed_at : null, to: nowIso(end) }, analysis };
    },
  };
  return api;
}

export type ExperimentsService = ReturnType<typeof experimentsService>;
