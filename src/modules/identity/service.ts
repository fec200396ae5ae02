import { conflict, notFound, rateLimited, unauthenticated } from '../../platform/errors.ts';
import { isUniqueViolation, newId, nowIso } from '../../platform/db/index.ts';
import type { RateLimiter } from '../../platform/ratelimit/index.ts';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords.ts';
import type { AccountRow, IdentityRepository } from './repository.ts';
import { type AccessTokenSigner, hashRefreshToken, newRefreshToken } from './tokens.ts';
import type { AccountRole, Caller, Plan, TokenPair } from './types.ts';

export interface IdentityServiceOptions {
  repo: IdentityRepository;
  signer: AccessTokenSigner;
  limiter: RateLimiter;
  refreshTtlSec: number;
  loginMaxAttempts: number;
  /** Higher than per account: many people may share one address behind a NAT. */
  loginIpMaxAttempts: number;
  loginWindowSec: number;
}

export interface SignupInput {
  email: string;
  password: string;
  plan?: Plan;
  country?: string;
  role?: AccountRole;
}

export interface Account {
  id: string;
  email: string;
  role: AccountRole;
  plan: Plan;
  country: string;
  createdAt: string;
}

export function identityService(o: IdentityServiceOptions) {
  const callerOf = (a: AccountRow): Caller => ({ accountId: a.id, role: a.role, plan: a.plan, country: a.country });

  async function issueTokens(account: AccountRow, familyId: string = newId()): Promise<TokenPair> {
    const refresh = newRefreshToken();
    await o.repo.insertRefreshToken({
      token_hash: refresh.hash,
      account_id: account.id,
      family_id: familyId,
      expires_at: nowIso(Date.now() + o.refreshTtlSec * 1000),
      revoked_at: null,
      created_at: nowIso(),
    });
    return { accountId: account.id, accessToken: await o.signer.sign(callerOf(account)), refreshToken: refresh.token };
  }

  async function createAccount(input: SignupInput): Promise<AccountRow> {
    const row: AccountRow = {
      id: newId(),
      email: input.email.trim().toLowerCase(),
      password_hash: await hashPassword(input.password),
      role: input.role ?? 'viewer',
      plan: input.plan ?? 'standard',
      country: (input.country ?? 'US').toUpperCase(),
      created_at: nowIso(),
    };
    try {
      await o.repo.insertAccount(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('email_taken', 'An account with this email already exists', 'email');
      throw err;
    }
    return row;
  }

  return {
    async signup(input: SignupInput): Promise<TokenPair> {
      return issueTokens(await createAccount(input));
    },

    /** Rate limited per account and per IP before the password is even checked. */
    async login(email: string, password: string, ip: string): Promise<TokenPair> {
      const normalised = email.trim().toLowerCase();
      for (const [key, limit] of [[`login:acct:${normalised}`, o.loginMaxAttempts], [`login:ip:${ip}`, o.loginIpMaxAttempts]] as const) {
        const { allowed, retryAfterSec } = await o.limiter.hit(key, limit, o.loginWindowSec);
        if (!allowed) throw rateLimited('too_many_login_attempts', 'Too many sign-in attempts; try again later', retryAfterSec);
      }
      const account = await o.repo.accountByEmail(normalised);
      const ok = await verifyPassword(account?.password_hash ?? (await DUMMY_HASH_PROMISE), password);
      if (!account || !ok) throw unauthenticated('invalid_credentials', 'Email or password is incorrect');
      await o.limiter.reset(`login:acct:${normalised}`);
      return issueTokens(account);
    },

    /** Rotation: the presented token dies; presenting a dead one again revokes its whole family. */
    async refresh(refreshToken: string): Promise<TokenPair> {
      const hash = hashRefreshToken(refreshToken);
      const row = await o.repo.refreshTokenByHash(hash);
      if (!row) throw unauthenticated('invalid_refresh_token', 'Refresh token is not valid');
      const now = nowIso();
      if (row.revoked_at !== null) {
        await o.repo.revokeFamily(row.family_id, now);
        throw unauthenticated('invalid_refresh_token', 'Refresh token was already used or revoked');
      }
      if (row.expires_at <= now) throw unauthenticated('refresh_token_expired', 'Refresh token has expired');
      if ((await o.repo.revokeRefreshToken(hash, now)) === 0) {
        await o.repo.revokeFamily(row.family_id, now);
        throw unauthenticated('invalid_refresh_token', 'Refresh token was already used');
      }
      const account = await o.repo.accountById(row.account_id);
      if (!account) throw unauthenticated('invalid_refresh_token', 'Account no longer exists');
      return issueTokens(account, row.family_id);
    },

    async logout(refreshToken: string): Promise<void> {
      const row = await o.repo.refreshTokenByHash(hashRefreshToken(refreshToken));
      if (!row || row.revoked_at !== null) throw unauthenticated('invalid_refresh_token', 'Refresh token is not valid');
      await o.repo.revokeFamily(row.family_id, nowIso());
    },

    async account(accountId: string): Promise<Account> {
      const a = await o.repo.accountById(accountId);
      if (!a) throw notFound('account_not_found', 'No such account');
      return { id: a.id, email: a.email, role: a.role, plan: a.plan, country: a.country, createdAt: a.created_at };
    },

    async accountIdByEmail(email: string): Promise<string | undefined> {
      return (await o.repo.accountByEmail(email.trim().toLowerCase()))?.id;
    },

    async setRole(accountId: string, role: AccountRole): Promise<void> {
      const res = await o.repo.setRole(accountId, role);
      if (Number(res.numUpdatedRows) === 0) throw notFound('account_not_found', 'No such account');
    },

    /** The admin named in config exists with that password and the admin role, after every start. */
    async ensureAdmin(email: string, password: string): Promise<string> {
      const existing = await o.repo.accountByEmail(email.toLowerCase());
      if (!existing) return (await createAccount({ email, password, role: 'admin', plan: 'premium' })).id;
      if (existing.role !== 'admin') await o.repo.setRole(existing.id, 'admin');
      if (!(await verifyPassword(existing.password_hash, password))) await o.repo.setPassword(existing.id, await hashPassword(password));
      return existing.id;
    },

    /** A token scoped to one profile, for everything a viewer does. */
    async profileToken(caller: Caller, profile: NonNullable<Caller['profile']>): Promise<string> {
      const account = await o.repo.accountById(caller.accountId);
      if (!account) throw unauthenticated('account_gone', 'Account no longer exists');
      return o.signer.sign({ ...callerOf(account), profile });
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;
