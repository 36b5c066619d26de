import type { CombinedError } from 'urql';

/** What an error means to a person, from the server's `extensions.code`. */
export interface Problem {
  code: string;
  title: string;
  detail: string;
  /** Seconds to wait, for RATE_LIMITED and QUOTA_EXCEEDED. */
  retryAfter?: number;
  /** Per-line or per-node issues (BAD_USER_INPUT on imports and workflow definitions). */
  issues: { line?: number; node?: string; message: string }[];
}

const TITLES: Record<string, string> = {
  UNAUTHENTICATED: 'Your session has ended — sign in again.',
  FORBIDDEN: 'Your role in this organization does not allow this.',
  NOT_FOUND: 'Not found. It may have been deleted, or it belongs to an organization you are not in.',
  BAD_USER_INPUT: 'Some of the input is not valid.',
  CONFLICT: 'That conflicts with something that already exists.',
  RATE_LIMITED: 'Too many requests.',
  QUOTA_EXCEEDED: "This organization has used its monthly quota.",
  UNAVAILABLE: 'The service is briefly unavailable; try again.',
  INTERNAL: 'Something went wrong on the server.',
  RESPONSE_TOO_LARGE: 'The answer was too large; ask for a smaller page.',
  GRAPHQL_VALIDATION_FAILED: 'The request does not match the API (is the app older than the server?).',
  NETWORK: 'The server cannot be reached.',
};

/** A wait of many seconds in the largest whole unit that reads naturally. */
function renewal(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds >= 2 * 86_400) return plural(Math.floor(seconds / 86_400), 'day');
  if (seconds >= 2 * 3_600) return plural(Math.floor(seconds / 3_600), 'hour');
  if (seconds >= 120) return plural(Math.floor(seconds / 60), 'minute');
  return plural(Math.max(1, Math.ceil(seconds)), 'second');
}

export function titleFor(code: string, retryAfter?: number): string {
  if (code === 'RATE_LIMITED' && retryAfter !== undefined) {
    return `Too many requests — try again in ${retryAfter} s.`;
  }
  if (code === 'QUOTA_EXCEEDED' && retryAfter !== undefined) {
    return `This organization has used its monthly quota; it renews in ${renewal(retryAfter)}.`;
  }
  return TITLES[code] ?? 'Something went wrong.';
}

function asIssues(value: unknown): Problem['issues'] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const record = item as Record<string, unknown>;
    const message = typeof record.message === 'string' ? record.message : '';
    return [
      {
        message,
        ...(typeof record.line === 'number' ? { line: record.line } : {}),
        ...(typeof record.node === 'string' ? { node: record.node } : {}),
      },
    ];
  });
}

/** The first problem in an urql error (network errors included). */
export function problemOf(error: CombinedError): Problem {
  const first = error.graphQLErrors[0];
  if (!first) {
    return { code: 'NETWORK', title: titleFor('NETWORK'), detail: error.message, issues: [] };
  }
  const ext = first.extensions ?? {};
  const code = typeof ext.code === 'string' ? ext.code : 'INTERNAL';
  const retryAfter = typeof ext.retryAfter === 'number' ? ext.retryAfter : undefined;
  return {
    code,
    title: titleFor(code, retryAfter),
    detail: first.message,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    issues: asIssues(ext.issues),
  };
}

/** A thrown value (from a promise) as a problem. */
export function problemOfUnknown(error: unknown): Problem {
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', title: titleFor('INTERNAL'), detail, issues: [] };
}
