import type { Kysely } from 'kysely';
import type { AccountRole, Plan } from './types.ts';

export interface AccountRow {
  id: string;
  email: string;
  password_hash: string;
  role: AccountRole;
  plan: Plan;
  country: string;
  created_at: string;
}

export interface RefreshTokenRow {
  token_hash: string;
  account_id: string;
  family_id: string;
  expires_at: string;
  revoked_at: string | null;
  created_at: string;
}

export type IdentityTables = {
  accounts: AccountRow;
  refresh_tokens: RefreshTokenRow;
};

export function identityRepository(base: Kysely<object>) {
  const db = base.withTables<IdentityTables>();
  return {
    insertAccount: (row: AccountRow) => db.insertInto('accounts').values(row).execute(),
    accountByEmail: (email: string) => db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst(),
    accountById: (id: string) => db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst(),
    setRole: (id: string, role: AccountRole) => db.updateTable('accounts').set({ role }).where('id', '=', id).executeTakeFirst(),
    setPassword: (id: string, hash: string) => db.updateTable('accounts').set({ password_hash: hash }).where('id', '=', id).execute(),
    insertRefreshToken: (row: RefreshTokenRow) => db.insertInto('refresh_tokens').values(row).execute(),
    refreshTokenByHash: (hash: string) => db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst(),
    /** Revokes one token only if still live: the row count tells who won a race to rotate it. */
    revokeRefreshToken: async (hash: string, at: string) =>
      Number((await db.updateTable('refresh_tokens').set({ revoked_at: at }).where('token_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst()).numUpdatedRows),
    revokeFamily: (familyId: string, at: string) =>
      db.updateTable('refresh_tokens').set({ revoked_at: at }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute(),
  };
}

export type IdentityRepository = ReturnType<typeof identityRepository>;
