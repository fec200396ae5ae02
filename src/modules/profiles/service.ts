import type { Kysely } from 'kysely';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { isUniqueViolation, newId, nowIso } from '../../platform/db/index.ts';
import { ADULT_MAX_RATING, KIDS_MAX_RATING, type MaturityRating, maturityRank } from '../catalog/index.ts';
import { AVATAR_COUNT } from './avatar.ts';

export const MAX_PROFILES_PER_ACCOUNT = 5;

export interface Profile {
  id: string;
  name: string;
  kids: boolean;
  maturityRating: MaturityRating;
  language: string;
  avatarUrl: string;
}

export interface NewProfile {
  name: string;
  kids?: boolean;
  maturityRating?: MaturityRating;
  language?: string;
}

type ProfileRow = {
  id: string;
  account_id: string;
  name: string;
  kids: number;
  maturity_rating: string;
  language: string;
  avatar: number;
  created_at: string;
};

const toProfile = (r: ProfileRow): Profile => ({
  id: r.id,
  name: r.name,
  kids: Boolean(r.kids),
  maturityRating: r.maturity_rating as MaturityRating,
  language: r.language,
  avatarUrl: `/api/v1/avatars/${r.avatar}.svg`,
});

export function profilesService(base: Kysely<object>) {
  const db = base.withTables<{ profiles: ProfileRow }>();
  const forAccount = (accountId: string) => db.selectFrom('profiles').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id');

  return {
    async list(accountId: string): Promise<Profile[]> {
      return (await forAccount(accountId).execute()).map(toProfile);
    },

    async create(accountId: string, input: NewProfile): Promise<Profile> {
      const kids = input.kids ?? false;
      // A kids profile never goes above the kids ceiling, whatever was asked for.
      const asked = input.maturityRating ?? (kids ? KIDS_MAX_RATING : ADULT_MAX_RATING);
      if (kids && maturityRank(asked) > maturityRank(KIDS_MAX_RATING)) {
        throw invalid('rating_too_high_for_kids', `A kids profile can be rated at most ${KIDS_MAX_RATING}`, 'maturityRating');
      }
      const existing = await forAccount(accountId).execute();
      if (existing.length >= MAX_PROFILES_PER_ACCOUNT) throw conflict('profile_limit', `An account can have at most ${MAX_PROFILES_PER_ACCOUNT} profiles`);
      const row: ProfileRow = {
        id: newId(),
        account_id: accountId,
        name: input.name.trim(),
        kids: kids ? 1 : 0,
        maturity_rating: asked,
        language: input.language ?? 'en',
        avatar: existing.length % AVATAR_COUNT,
        created_at: nowIso(),
      };
      try {
        await db.insertInto('profiles').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('profile_name_taken', 'This account already has a profile with that name', 'name');
        throw err;
      }
      return toProfile(row);
    },

    /** The profile, if it belongs to the account: someone else's profile is forbidden, not hidden. */
    async owned(accountId: string, profileId: string): Promise<Profile> {
      const row = await db.selectFrom('profiles').selectAll().where('id', '=', profileId).executeTakeFirst();
      if (!row) throw notFound('profile_not_found', 'No such profile');
      if (row.account_id !== accountId) throw forbidden('not_your_profile', 'This profile belongs to another account');
      return toProfile(row);
    },

    async remove(accountId: string, profileId: string): Promise<void> {
      await this.owned(accountId, profileId);
      await db.deleteFrom('profiles').where('id', '=', profileId).execute();
    },
  };
}

export type ProfilesService = ReturnType<typeof profilesService>;
