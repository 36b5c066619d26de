import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resubscribing, unauthenticated } from './client';
import { signIn } from './session';

type Result = { data?: { n: number }; errors?: { message: string; extensions?: { code: string } }[] };
interface FakeObserver {
  next(r: Result): void;
  error(e: unknown): void;
  complete(): void;
}

const EXPIRED: Result = { errors: [{ message: 'token expired', extensions: { code: 'UNAUTHENTICATED' } }] };

/** A fake socket: each subscribe is one attempt the test drives by hand. */
function fakeSocket() {
  const attempts: { observer: FakeObserver; disposed: boolean }[] = [];
  const open = (observer: FakeObserver) => {
    const attempt = { observer, disposed: false };
    attempts.push(attempt);
    return () => {
      attempt.disposed = true;
    };
  };
  return { attempts, open };
}

function sink() {
  return { next: vi.fn(), error: vi.fn(), complete: vi.fn() };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('subscriptions outlive access-token expiry', () => {
  beforeEach(() => {
    localStorage.clear();
    signIn({
      accessToken: 'a',
      accessTokenExpiresAt: new Date(Date.now() + 600_000).toISOString(),
      refreshToken: 'r',
      user: { id: 'u', email: 'e@x', name: 'n' },
      organization: null,
    });
  });

  it('refreshes and subscribes again at every expiry, not only the first', async () => {
    const socket = fakeSocket();
    const out = sink();
    const renew = vi.fn(async () => ({}));
    resubscribing<Result>(socket.open, out, renew);
    for (let expiry = 0; expiry < 5; expiry += 1) {
      const current = socket.attempts[socket.attempts.length - 1]!;
      current.observer.next({ data: { n: expiry } });
      current.observer.next(EXPIRED);
      current.observer.complete(); // the server completes the expired operation
      await flush();
      expect(current.disposed).toBe(true);
    }
    expect(renew).toHaveBeenCalledTimes(5);
    expect(socket.attempts).toHaveLength(6);
    expect(out.next.mock.calls.map(([r]) => (r as Result).data?.n)).toEqual([0, 1, 2, 3, 4]);
    expect(out.complete).not.toHaveBeenCalled();
    expect(out.error).not.toHaveBeenCalled();
  });

  it('gives up after three refusals in a row and passes the error on', async () => {
    const socket = fakeSocket();
    const out = sink();
    resubscribing<Result>(socket.open, out, async () => ({}));
    for (let i = 0; i < 4; i += 1) {
      socket.attempts[socket.attempts.length - 1]!.observer.next(EXPIRED);
      await flush();
    }
    expect(socket.attempts).toHaveLength(4);
    expect(out.next).toHaveBeenCalledWith(EXPIRED);
  });

  it('passes the error on when the session cannot be renewed', async () => {
    const socket = fakeSocket();
    const out = sink();
    resubscribing<Result>(socket.open, out, async () => null);
    socket.attempts[0]!.observer.next(EXPIRED);
    await flush();
    expect(socket.attempts).toHaveLength(1);
    expect(out.next).toHaveBeenCalledWith(EXPIRED);
  });

  it('stops for good when the page unsubscribes, even mid-refresh', async () => {
    const socket = fakeSocket();
    const out = sink();
    let renewed: (v: unknown) => void = () => {};
    const stop = resubscribing<Result>(socket.open, out, () => new Promise((r) => (renewed = r)));
    socket.attempts[0]!.observer.next(EXPIRED);
    stop();
    renewed({});
    await flush();
    expect(socket.attempts).toHaveLength(1);
    expect(out.next).not.toHaveBeenCalled();
  });

  it('recognises UNAUTHENTICATED only by its code', () => {
    expect(unauthenticated(EXPIRED)).toBe(true);
    expect(unauthenticated({ errors: [{ message: 'x', extensions: { code: 'FORBIDDEN' } }] })).toBe(false);
    expect(unauthenticated({ data: {} })).toBe(false);
  });
});
