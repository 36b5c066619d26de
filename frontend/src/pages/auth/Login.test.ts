import { describe, expect, it } from 'vitest';
import { safeNext } from './Login';

describe('safeNext: after logging in, only paths of this app', () => {
  const origin = 'https://promptops.example';
  it('keeps a path with its query and hash', () => {
    expect(safeNext('/prompts/abc/diff?a=1&b=2#m1', origin)).toBe('/prompts/abc/diff?a=1&b=2#m1');
  });
  it.each(['//evil.com', '/\\evil.com', '/%5Cevil.com', '/\t/evil.com', 'https://evil.com', 'javascript:alert(1)', ''])(
    'refuses %j',
    (next) => {
      const target = safeNext(next, origin);
      expect(new URL(target, origin).origin).toBe(origin);
      expect(target.startsWith('//')).toBe(false);
    },
  );
  it('falls back to the prompts list', () => {
    expect(safeNext(null, origin)).toBe('/prompts');
    expect(safeNext('https://evil.com/x', origin)).toBe('/prompts');
  });
});
