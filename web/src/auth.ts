import { api } from './api';
import { deviceId } from './device';
import { navigate } from './router';
import { session } from './session';
import type { AuthTokens, Profile } from './types';

export type Plan = 'basic' | 'standard' | 'premium';

export async function signIn(email: string, password: string): Promise<void> {
  const t = await api<AuthTokens>('/api/v1/auth/login', { method: 'POST', body: { email, password } });
  session.clear();
  session.setAccount(t.accessToken, t.refreshToken);
}

export async function signUp(email: string, password: string, plan: Plan, country: string): Promise<void> {
  const body: Record<string, string> = { email, password, plan };
  if (country) body.country = country;
  const t = await api<AuthTokens>('/api/v1/auth/signup', { method: 'POST', body });
  session.clear();
  session.setAccount(t.accessToken, t.refreshToken);
}

export async function selectProfile(profile: Profile): Promise<void> {
  const out = await api<{ accessToken: string; profile?: Profile }>(
    `/api/v1/profiles/${encodeURIComponent(profile.id)}/select`,
    { method: 'POST', auth: 'account', body: { deviceId: deviceId() } },
  );
  session.setProfile(out.accessToken, out.profile ?? profile);
}

/** Revoke the refresh token server-side (best effort) and forget every token locally. */
export async function signOut(): Promise<void> {
  const { refreshToken, accountToken } = session.get();
  if (refreshToken) {
    await api('/api/v1/auth/logout', {
      method: 'POST',
      body: { refreshToken },
      auth: accountToken ? 'account' : 'none',
      refresh: false,
      redirectOnExpiry: false,
    }).catch(() => undefined);
  }
  session.clear();
  navigate('/signin', { replace: true });
}
