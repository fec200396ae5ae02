import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/index.ts';
import type { OnboardingPick } from './signals.ts';

type ModelRow = { id: string; object_key: string; trained_at: string; trending: string; stats: string };
type RecommendTables = {
  rec_models: ModelRow;
  rec_onboarding_picks: { profile_id: string; title_id: string; picked_at: string };
  rec_profile_countries: { profile_id: string; country: string };
  rec_imports: { source: string; external_id: string; internal_id: string };
};

export function recommendRepository(base: Kysely<object>) {
  const db = base.withTables<RecommendTables>();
  const toPick = (r: { profile_id: string; title_id: string; picked_at: string }): OnboardingPick => ({ profileId: r.profile_id, titleId: r.title_id, at: r.picked_at });
  return {
    saveModel: (row: ModelRow) => db.insertInto('rec_models').values(row).execute(),

    latestModel: () => db.selectFrom('rec_models').selectAll().orderBy('trained_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst(),

    /** Keeps the newest `keep` models; returns the object keys of the ones removed. */
    async pruneModels(keep: number): Promise<string[]> {
      const old = await db.selectFrom('rec_models').select(['id', 'object_key']).orderBy('trained_at', 'desc').orderBy('id', 'desc').offset(keep).limit(1000).execute();
      if (old.length) await db.deleteFrom('rec_models').where('id', 'in', old.map((r) => r.id)).execute();
      return old.map((r) => r.object_key);
    },

    async replacePicks(profileId: string, titleIds: string[]): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('rec_onboarding_picks').where('profile_id', '=', profileId).execute();
        const at = nowIso();
        await tx.insertInto('rec_onboarding_picks').values(titleIds.map((title_id) => ({ profile_id: profileId, title_id, picked_at: at }))).execute();
      });
    },

    picksOf: async (profileId: string) => (await db.selectFrom('rec_onboarding_picks').selectAll().where('profile_id', '=', profileId).execute()).map(toPick),

    allPicks: async () => (await db.selectFrom('rec_onboarding_picks').selectAll().execute()).map(toPick),

    async recordCountry(profileId: string, country: string): Promise<void> {
      await db.insertInto('rec_profile_countries').values({ profile_id: profileId, country }).onConflict((oc) => oc.column('profile_id').doUpdateSet({ country })).execute();
    },

    profileCountries: async () => new Map((await db.selectFrom('rec_profile_countries').selectAll().execute()).map((r) => [r.profile_id, r.country])),

    imported: async (source: string) => new Map((await db.selectFrom('rec_imports').select(['external_id', 'internal_id']).where('source', '=', source).execute()).map((r) => [r.external_id, r.internal_id])),

    async recordImport(source: string, externalId: string, internalId: string): Promise<void> {
      await db.insertInto('rec_imports').values({ source, external_id: externalId, internal_id: internalId }).onConflict((oc) => oc.columns(['source', 'external_id']).doNothing()).execute();
    },
  };
}

export type RecommendRepository = ReturnType<typeof recommendRepository>;
export type { ModelRow };
