import { describe, expect, it } from 'vitest';
import { expiryFor, isPast, summaryText } from './format';
import { groupPermissions, splitPermission, vocabulary } from './permissions';

describe('permissions', () => {
  it('groups by resource in first-seen order', () => {
    expect(groupPermissions(['prompt:read', 'member:read', 'prompt:write', 'api_key:manage'])).toEqual([
      { resource: 'prompt', permissions: ['prompt:read', 'prompt:write'] },
      { resource: 'member', permissions: ['member:read'] },
      { resource: 'api_key', permissions: ['api_key:manage'] },
    ]);
  });
  it('splits resource and action', () => {
    expect(splitPermission('api_key:manage')).toEqual({ resource: 'api_key', action: 'manage' });
    expect(splitPermission('odd')).toEqual({ resource: 'odd', action: '' });
  });
  it("takes the owner's permissions as the vocabulary", () => {
    const roles = [
      { name: 'owner', builtin: true, permissions: ['a:x', 'b:y'] },
      { name: 'viewer', builtin: true, permissions: ['a:x'] },
      { name: 'owner', builtin: false, permissions: ['c:z'] },
    ];
    expect(vocabulary(roles)).toEqual(['a:x', 'b:y']);
    expect(vocabulary(roles.slice(1))).toEqual(['a:x', 'c:z']);
  });
});

describe('format', () => {
  const now = new Date('2026-01-10T12:00:00Z');
  it('computes expiry from presets and dates', () => {
    expect(expiryFor('never', '', now)).toBeNull();
    expect(expiryFor('30', '', now)).toBe('2026-02-09T12:00:00.000Z');
    expect(expiryFor('date', '', now)).toBeUndefined();
    expect(expiryFor('date', '2025-01-01', now)).toBeUndefined();
    const later = expiryFor('date', '2026-03-01', now);
    expect(typeof later).toBe('string');
    expect(new Date(later as string).getTime()).toBeGreaterThan(now.getTime());
  });
  it('tells past from future', () => {
    expect(isPast('2026-01-01T00:00:00Z', now)).toBe(true);
    expect(isPast('2026-02-01T00:00:00Z', now)).toBe(false);
    expect(isPast(null, now)).toBe(false);
  });
  it('shortens summaries', () => {
    expect(summaryText({})).toBe('');
    expect(summaryText({ a: 1 })).toBe('{"a":1}');
    expect(summaryText('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
