import type { Kysely } from 'kysely';
import type { Experiment, ExperimentStatus, TargetRule, UnitType, Variant } from './types.ts';

export type ExperimentRow = {
  id: string;
  key: string;
  name: string;
  description: string;
  status: ExperimentStatus;
  unit: UnitType;
  allocation: number;
  variants: string;
  targeting: string;
  metrics: string;
  layer: string | null;
  layer_offset: number | null;
  start_date: string | null;
  end_date: string | null;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
};

type OverrideRow = { experiment_id: string; account_id: string; variant: string; created_at: string };
export type ExposureRow = { experiment_id: string; unit_id: string; variant: string; account_id: string; profile_id: string | null; exposed_at: string };
type SettingRow = { name: string; value: string };

type Tables = {
  experiments: ExperimentRow;
  experiment_overrides: OverrideRow;
  experiment_exposures: ExposureRow;
  experiment_settings: SettingRow;
};

export const toExperiment = (r: ExperimentRow): Experiment => ({
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description,
  status: r.status,
  unit: r.unit,
  allocation: Number(r.allocation),
  variants: JSON.parse(r.variants) as Variant[],
  targeting: JSON.parse(r.targeting) as TargetRule[],
  metrics: JSON.parse(r.metrics) as string[],
  layer: r.layer,
  layerOffset: r.layer_offset === null ? null : Number(r.layer_offset),
  startDate: r.start_date,
  endDate: r.end_date,
  startedAt: r.started_at,
  completedAt: r.completed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toRow = (e: Experiment): ExperimentRow => ({
  id: e.id,
  key: e.key,
  name: e.name,
  description: e.description,
  status: e.status,
  unit: e.unit,
  allocation: e.allocation,
  variants: JSON.stringify(e.variants),
  targeting: JSON.stringify(e.targeting),
  metrics: JSON.stringify(e.metrics),
  layer: e.layer,
  layer_offset: e.layerOffset,
  start_date: e.startDate,
  end_date: e.endDate,
  started_at: e.startedAt,
  completed_at: e.completedAt,
  created_at: e.createdAt,
  updated_at: e.updatedAt,
});

const CHUNK = 500;

export function experimentsRepository(base: Kysely<object>) {
  const db = base.withTables<Tables>();
  return {
    insert: (e: Experiment) => db.insertInto('experiments').values(toRow(e)).execute(),
    update: (e: Experiment) => {
      const { id: _id, created_at: _c, ...rest } = toRow(e);
      return db.updateTable('experiments').set(rest).where('id', '=', e.id).execute();
    },
    async get(id: string): Promise<Experiment | undefined> {
      const r = await db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toExperiment(r);
    },
    async list(): Promise<Experiment[]> {
      return (await db.selectFrom('experiments').selectAll().orderBy('created_at', 'desc').execute()).map(toExperiment);
    },
    /** Everything assignment can touch: not completed. */
    async open(): Promise<Experiment[]> {
      return (await db.selectFrom('experiments').selectAll().where('status', '!=', 'completed').execute()).map(toExperiment);
    },
    async inLayer(layer: string): Promise<Experiment[]> {
      return (await db.selectFrom('experiments').selectAll().where('layer', '=', layer).execute()).map(toExperiment);
    },
    overrides: (experimentIds: string[]) =>
      experimentIds.length ? db.selectFrom('experiment_overrides').selectAll().where('experiment_id', 'in', experimentIds).execute() : Promise.resolve([] as OverrideRow[]),
    setOverride: (experimentId: string, accountId: string, variant: string, at: string) =>
      db
        .insertInto('experiment_overrides')
        .values({ experiment_id: experimentId, account_id: accountId, variant, created_at: at })
        .onConflict((oc) => oc.columns(['experiment_id', 'account_id']).doUpdateSet({ variant, created_at: at }))
        .execute(),
    removeOverride: (experimentId: string, accountId: string) =>
      db.deleteFrom('experiment_overrides').where('experiment_id', '=', experimentId).where('account_id', '=', accountId).execute(),
    /** True when this was the unit's first exposure. */
    async logExposure(row: ExposureRow): Promise<boolean> {
      const r = await db.insertInto('experiment_exposures').values(row).onConflict((oc) => oc.columns(['experiment_id', 'unit_id']).doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    exposures: (experimentId: string) => db.selectFrom('experiment_exposures').selectAll().where('experiment_id', '=', experimentId).orderBy('exposed_at').execute(),
    async setting(name: string): Promise<string | undefined> {
      return (await db.selectFrom('experiment_settings').select('value').where('name', '=', name).executeTakeFirst())?.value;
    },
    putSetting: (name: string, value: string) =>
      db.insertInto('experiment_settings').values({ name, value }).onConflict((oc) => oc.column('name').doUpdateSet({ value })).execute(),
  };
}

export type ExperimentsRepository = ReturnType<typeof experimentsRepository>;

/** Splits a long id list so `in (...)` stays under every engine's parameter limit. */
export function chunks<T>(xs: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
