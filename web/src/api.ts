import { deviceId } from './device';
import { navigate } from './router';
import { session } from './session';
import type { AuthTokens, Profile } from './types';

// Fetch client for /api/v1: JSON in and out, bearer auth, one refresh-and-retry on 401.

export type AuthKind = 'none' | 'account' | 'profile';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  auth?: AuthKind;
  /** On an unrecoverable 401: clear the session and go to /signin (default true). */
  redirectOnExpiry?: boolean;
  /** Try POST /auth/refresh once on a 401 (default true). */
  refresh?: boolean;
  keepalive?: boolean;
  signal?: AbortSignal;
}

export const EXPIRED_HREF = '/signin?expired=1';

function tokenFor(auth: AuthKind): string | null {
  const s = session.get();
  if (auth === 'account') return s.accountToken;
  if (auth === 'profile') return s.profileToken;
  return null;
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Accepts the contract's {error:{code,message,field}} and, defensively, problem+json or Fastify's default. */
async function toError(res: Response): Promise<ApiError> {
  const body: Json = await res.json().then(
    (j: unknown) => (j && typeof j === 'object' ? (j as Json) : {}),
    () => ({}),
  );
  const inner = body.error && typeof body.error === 'object' ? (body.error as Json) : {};
  const code =
    str(inner.code) ?? str(body.code) ?? (res.status === 401 ? 'unauthenticated' : `http_${res.status}`);
  const message =
    str(inner.message) ?? str(body.detail) ?? str(body.message) ?? str(body.title) ?? defaultMessage(res.status);
  const field = str(inner.field) ?? str(body.field);
  const ra = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, code, message, field, Number.isFinite(ra) && ra > 0 ? ra : undefined);
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Please sign in.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Please wait a moment and try again.';
  if (status >= 500) return 'The service is having trouble. Please try again shortly.';
  return `Request failed (${status}).`;
}

async function send(url: string, opts: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(url, {
      method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'),
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      keepalive: opts.keepalive,
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Could not reach Marquee. Check your connection and try again.');
  }
}

// One refresh at a time: with rotation, the old refresh token dies on first use.
let refreshing: Promise<boolean> | null = null;

/** Mint a fresh profile token for the stored profile from an account token. */
async function reselect(accountToken: string | null): Promise<'ok' | 'unauthenticated' | 'failed'> {
  const { profile } = session.get();
  if (!profile) return 'failed';
  if (!accountToken) return 'unauthenticated';
  const res = await send(
    `/api/v1/profiles/${encodeURIComponent(profile.id)}/select`,
    { method: 'POST', body: { deviceId: deviceId() } },
    accountToken,
  );
  if (res.status === 401) return 'unauthenticated';
  if (!res.ok) return 'failed';
  const out = (await res.json()) as { accessToken: string; profile?: Profile };
  session.setProfile(out.accessToken, out.profile ?? profile);
  return 'ok';
}

async function doRefresh(wantProfile: boolean): Promise<boolean> {
  if (wantProfile) {
    // The account token may still be good (profile tokens can be shorter-lived): no rotation needed.
    const first = await reselect(session.get().accountToken);
    if (first !== 'unauthenticated') return first === 'ok';
  }
  const { refreshToken, profileToken } = session.get();
  if (!refreshToken) return false;
  const res = await send('/api/v1/auth/refresh', { method: 'POST', body: { refreshToken } }, null);
  if (!res.ok) return false;
  const tokens = (await res.json()) as AuthTokens;
  session.setAccount(tokens.accessToken, tokens.refreshToken);
  if (wantProfile || profileToken) return (await reselect(tokens.accessToken)) === 'ok';
  return true;
}

function refreshOnce(wantProfile: boolean): Promise<boolean> {
  if (!refreshing) {
    refreshing = doRefresh(wantProfile)
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

function expired(opts: RequestOptions): ApiError {
  if (opts.redirectOnExpiry !== false) {
    session.clear();
    navigate(EXPIRED_HREF, { replace: true });
  }
  return new ApiError(401, 'session_expired', 'Your session expired, please sign in again.');
}

export async function api<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await apiResponse(path, opts);
  // 202/204 usually have no body; anything non-JSON comes back as text.
  const text = await res.text().catch(() => '');
  return (text ? safeJson(text) : undefined) as T;
}

/** Like api(), but hands back the successful Response unread (for file downloads). */
export async function apiResponse(path: string, opts: RequestOptions = {}): Promise<Response> {
  const auth = opts.auth ?? 'none';
  const url = buildUrl(path, opts.query);
  let token = tokenFor(auth);

  if (auth !== 'none' && !token) {
    if (auth === 'profile' && session.get().accountToken) {
      if (opts.redirectOnExpiry !== false) navigate('/profiles', { replace: true });
      throw new ApiError(401, 'profile_required', 'Choose a profile first.');
    }
    throw expired(opts);
  }

  let res = await send(url, opts, token);
  if (res.status === 401 && auth !== 'none' && opts.refresh !== false) {
    // Someone else may have refreshed while this request was in flight.
    const current = tokenFor(auth);
    const ok = current && current !== token ? true : await refreshOnce(auth === 'profile');
    token = tokenFor(auth);
    if (!ok || !token) throw expired(opts);
    res = await send(url, opts, token);
    if (res.status === 401) throw expired(opts);
  }
  if (!res.ok) throw await toError(res);
  return res;
}

/**
 * Download an authenticated file: a plain link would not send the bearer token, so fetch it,
 * hand the bytes to the browser as an object URL and click a temporary link.
 */
export async function downloadFile(path: string, fallbackName: string, opts: RequestOptions = {}): Promise<void> {
  const res = await apiResponse(path, opts);
  const blob = await res.blob();
  const name = filenameFrom(res.headers.get('Content-Disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function filenameFrom(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  let name: string | undefined;
  const star = /filename\*\s*=\s*(?:UTF-8'[^']*')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      name = decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall back to filename= */
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(disposition);
    name = (plain?.[1] ?? plain?.[2])?.trim();
  }
  return name ? name.replace(/[/\\]/g, '_') : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return 'Something went wrong.';
}
