export const PLANS = ['basic', 'standard', 'premium'] as const;
export type Plan = (typeof PLANS)[number];

export const ROLES = ['viewer', 'partner', 'admin'] as const;
export type AccountRole = (typeof ROLES)[number];

/** Who is calling, from a verified access token. `profile` is set on profile-scoped tokens. */
export interface Caller {
  accountId: string;
  role: AccountRole;
  plan: Plan;
  country: string;
  profile?: { id: string; kids: boolean; maturityRating: string };
}

export type ProfileCaller = Caller & { profile: NonNullable<Caller['profile']> };

export interface TokenPair {
  accountId: string;
  accessToken: string;
  refreshToken: string;
}
