import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// A payload as the server's refreshToken mutation answers it.
function payload(n: number, expiresInMs: number) {
  return {
    accessToken: `access-${n}`,
    accessTokenExpiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    refreshToken: `refresh-${n}`,
    user: { id: 'u1', email: 'a@b.c', name: 'A' },
    organization: null,
  };
}

async function load() {
  vi.resetModules();
  return import('./session');
}

describe('session refresh with rotation', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => vi.unstubAllGlobals());

  it('uses the access token while it is fresh, without a request', async () => {
    const session = await load();
    session.signIn(payload(1, 10 * 60_000));
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    expect(await session.freshAccessToken()).toBe('access-1');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('refreshes once for concurrent callers and stores the rotated pair', async () => {
    const session = await load();
    session.signIn(payload(1, 10_000)); // inside the 30 s early window
    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { variables: { refreshToken: string } };
      expect(body.variables.refreshToken).toBe('refresh-1');
      return new Response(JSON.stringify({ data: { refreshToken: payload(2, 15 * 60_000) } }));
    });
    vi.stubGlobal('fetch', fetch);
    const tokens = await Promise.all([session.freshAccessToken(), session.freshAccessToken(), session.freshAccessToken()]);
    expect(tokens).toEqual(['access-2', 'access-2', 'access-2']);
    expect(fetch).toHaveBeenCalledTimes(1);
    const stored = JSON.parse(localStorage.getItem('promptops.session') ?? '{}') as { refreshToken: string };
    expect(stored.refreshToken).toBe('refresh-2');
  });

  it('signs out when the refresh token is refused', async () => {
    const session = await load();
    session.signIn(payload(1, 0));
    const seen: unknown[] = [];
    session.subscribe((s) => seen.push(s));
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ data: null, errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] }))),
    );
    expect(await session.freshAccessToken()).toBeNull();
    expect(session.getSession()).toBeNull();
    expect(localStorage.getItem('promptops.session')).toBeNull();
    expect(seen).toEqual([null]);
  });

  it('adopts the pair another tab rotated first instead of signing out', async () => {
    const session = await load();
    session.signIn(payload(1, 0));
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        // The other tab won the race: its new pair is in storage, ours was spent.
        localStorage.setItem('promptops.session', JSON.stringify({ ...session.fromPayload(payload(7, 15 * 60_000)) }));
        return new Response(JSON.stringify({ data: null, errors: [{ message: 'spent', extensions: { code: 'UNAUTHENTICATED' } }] }));
      }),
    );
    expect(await session.freshAccessToken()).toBe('access-7');
    expect(session.getSession()?.refreshToken).toBe('refresh-7');
  });

  it('keeps the session through a network failure', async () => {
    const session = await load();
    session.signIn(payload(1, 0));
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('offline'))));
    await session.refresh();
    expect(session.getSession()?.refreshToken).toBe('refresh-1');
  });

  it('keeps the session when the refresh fails for another reason than the token', async () => {
    const session = await load();
    session.signIn(payload(1, 0));
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ data: null, errors: [{ message: 'busy', extensions: { code: 'UNAVAILABLE' } }] }))),
    );
    await session.refresh();
    expect(session.getSession()?.refreshToken).toBe('refresh-1');
    expect(localStorage.getItem('promptops.session')).not.toBeNull();
  });

  it('does not undo a log-out that happened while a refresh was in flight', async () => {
    const session = await load();
    session.signIn(payload(1, 0));
    let answer: (r: Response) => void = () => {};
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>((resolve) => (answer = resolve))));
    const pending = session.refresh();
    await Promise.resolve();
    session.signOut();
    answer(new Response(JSON.stringify({ data: { refreshToken: payload(2, 15 * 60_000) } })));
    expect(await pending).toBeNull();
    expect(session.getSession()).toBeNull();
    expect(localStorage.getItem('promptops.session')).toBeNull();
  });

  it('uses a pair another tab already rotated without asking the server', async () => {
    const session = await load();
    session.signIn(payload(1, 0));
    localStorage.setItem('promptops.session', JSON.stringify(session.fromPayload(payload(5, 15 * 60_000))));
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    expect(await session.freshAccessToken()).toBe('access-5');
    expect(fetch).not.toHaveBeenCalled();
  });
});
