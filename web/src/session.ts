import { useSyncExternalStore } from 'react';
import type { Profile } from './types';

// Tokens live in localStorage under these exact keys (tests and other tabs read them).
const K = {
  account: 'accountToken',
  refresh: 'refreshToken',
  profileToken: 'profileToken',
  profile: 'profile',
} as const;

export interface SessionSnapshot {
  accountToken: string | null;
  refreshToken: string | null;
  profileToken: string | null;
  profile: Profile | null;
}

function storedProfile(): Profile | null {
  try {
    const raw = localStorage.getItem(K.profile);
    return raw ? (JSON.parse(raw) as Profile) : null;
  } catch {
    return null;
  }
}

function read(): SessionSnapshot {
  const profile = storedProfile();
  return {
    accountToken: localStorage.getItem(K.account),
    refreshToken: localStorage.getItem(K.refresh),
    profileToken: localStorage.getItem(K.profileToken),
    profile,
  };
}

let snapshot = read();
const listeners = new Set<() => void>();

function changed(): void {
  snapshot = read();
  listeners.forEach((l) => l());
}

function put(key: string, value: string | null): void {
  if (value === null) localStorage.removeItem(key);
  else localStorage.setItem(key, value);
}

// Another tab signing out or switching profile.
window.addEventListener('storage', (e) => {
  if (e.key === null || (Object.values(K) as string[]).includes(e.key)) changed();
});

export const session = {
  get: (): SessionSnapshot => snapshot,
  setAccount(accessToken: string, refreshToken: string): void {
    put(K.account, accessToken);
    put(K.refresh, refreshToken);
    changed();
  },
  setProfile(profileToken: string, profile: Profile): void {
    put(K.profileToken, profileToken);
    put(K.profile, JSON.stringify(profile));
    changed();
  },
  clearProfile(): void {
    put(K.profileToken, null);
    put(K.profile, null);
    changed();
  },
  clear(): void {
    Object.values(K).forEach((k) => put(k, null));
    changed();
  },
  subscribe(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

export function useSession(): SessionSnapshot {
  return useSyncExternalStore(session.subscribe, session.get);
}
