/** A tiny HTTP client for API tests: JSON in, status + JSON (or text) out. */
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export function apiClient(baseUrl: string) {
  async function call<T = any>(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string>; form?: FormData } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: BodyInit | undefined;
    if (opts.form) body = opts.form;
    else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const res = await fetch(baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, body: (type.includes('json') && text ? JSON.parse(text) : text) as T };
  }
  let n = 0;
  const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

  return {
    call,
    get: <T = any>(path: string, token?: string) => call<T>('GET', path, token ? { token } : {}),
    post: <T = any>(path: string, body?: unknown, token?: string) => call<T>('POST', path, { body, ...(token ? { token } : {}) }),
    put: <T = any>(path: string, body?: unknown, token?: string) => call<T>('PUT', path, { body, ...(token ? { token } : {}) }),
    /** Signs up a fresh account and returns its tokens. */
    async signup(extra: { plan?: string; country?: string } = {}) {
      const email = `user-${unique()}@example.com`;
      const res = await call('POST', '/api/v1/auth/signup', { body: { email, password: 'correct horse battery', ...extra } });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { email, password: 'correct horse battery', ...(res.body as { accountId: string; accessToken: string; refreshToken: string }) };
    },
    /** Signs up, creates a profile and selects it: the token a viewer uses. */
    async viewer(extra: { plan?: string; country?: string; kids?: boolean } = {}) {
      const { kids, ...account } = extra;
      const acct = await this.signup(account);
      const profile = await call('POST', '/api/v1/profiles', { token: acct.accessToken, body: { name: kids ? 'Kid' : 'Me', kids: Boolean(kids) } });
      const selected = await call('POST', `/api/v1/profiles/${profile.body.id}/select`, { token: acct.accessToken, body: {} });
      return { ...acct, profileId: profile.body.id as string, profileToken: selected.body.accessToken as string };
    },
  };
}
