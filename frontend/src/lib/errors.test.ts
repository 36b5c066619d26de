import { describe, expect, it } from 'vitest';
import { CombinedError } from 'urql';
import { GraphQLError } from 'graphql';
import { problemOf } from './errors';

function graphQLError(message: string, extensions: Record<string, unknown>) {
  return new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions })] });
}

describe('problemOf: what an error means to a person', () => {
  it('says when to retry a RATE_LIMITED error', () => {
    const p = problemOf(graphQLError('too many attempts; retry in 42 s', { code: 'RATE_LIMITED', retryAfter: 42 }));
    expect(p.code).toBe('RATE_LIMITED');
    expect(p.title).toBe('Too many requests — try again in 42 s.');
    expect(p.retryAfter).toBe(42);
  });

  it('says when a monthly quota renews (QUOTA_EXCEEDED)', () => {
    const p = problemOf(graphQLError('monthly execution quota of 3 reached', { code: 'QUOTA_EXCEEDED', retryAfter: 3 * 86_400 + 500 }));
    expect(p.code).toBe('QUOTA_EXCEEDED');
    expect(p.title).toBe('This organization has used its monthly quota; it renews in 3 days.');
    expect(p.retryAfter).toBe(3 * 86_400 + 500);
    expect(problemOf(graphQLError('x', { code: 'QUOTA_EXCEEDED', retryAfter: 5 * 3_600 })).title).toMatch(/renews in 5 hours\.$/);
    expect(problemOf(graphQLError('x', { code: 'QUOTA_EXCEEDED', retryAfter: 59 })).title).toMatch(/renews in 59 seconds\.$/);
    expect(problemOf(graphQLError('x', { code: 'QUOTA_EXCEEDED' })).title).toBe('This organization has used its monthly quota.');
  });

  it('explains NOT_FOUND and FORBIDDEN and keeps the server words as detail', () => {
    const missing = problemOf(graphQLError('prompt not found', { code: 'NOT_FOUND' }));
    expect(missing.title).toMatch(/^Not found/);
    expect(missing.detail).toBe('prompt not found');
    const forbidden = problemOf(graphQLError('missing prompt:write', { code: 'FORBIDDEN' }));
    expect(forbidden.title).toBe('Your role in this organization does not allow this.');
  });

  it('carries per-line and per-node issues', () => {
    const p = problemOf(
      graphQLError('invalid', {
        code: 'BAD_USER_INPUT',
        issues: [{ line: 3, message: 'not JSON' }, { node: 'summarize', message: 'unknown prompt' }, 'junk'],
      }),
    );
    expect(p.issues).toEqual([
      { line: 3, message: 'not JSON' },
      { node: 'summarize', message: 'unknown prompt' },
    ]);
  });

  it('names a network failure as such', () => {
    const p = problemOf(new CombinedError({ networkError: new Error('Failed to fetch') }));
    expect(p.code).toBe('NETWORK');
    expect(p.title).toBe('The server cannot be reached.');
  });
});
