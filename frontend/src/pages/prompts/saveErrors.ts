import type { CombinedError } from 'urql';
import { problemOf } from '../../lib/errors';
import { parseTemplateError, type ServerTemplateError } from './template';

/** The server's template error in a failed save, to place at its message and line. */
export function templateErrorOf(error: CombinedError | undefined): ServerTemplateError | null {
  if (!error) return null;
  const problem = problemOf(error);
  if (problem.code !== 'BAD_USER_INPUT') return null;
  return parseTemplateError(problem.detail);
}
