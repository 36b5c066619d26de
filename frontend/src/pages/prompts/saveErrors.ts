import type { CombinedError } from 'urql';
import { problemOf } from '../../lib/errors';
import type { VersionDraft } from './draft';
import { parseTemplateError, type ServerTemplateError } from './template';

/** The server's template error in a failed save, to place at its message and line. */
export function templateErrorOf(error: CombinedError | undefined): ServerTemplateError | null {
  if (!error) return null;
  const problem = problemOf(error);
  if (problem.code !== 'BAD_USER_INPUT') return null;
  return parseTemplateError(problem.detail);
}

/** The server's template error, while the message it names still reads as it was sent. */
export function standingTemplateError(
  error: CombinedError | undefined,
  sent: VersionDraft | null,
  now: VersionDraft,
): ServerTemplateError | null {
  const found = templateErrorOf(error);
  if (!found || !sent) return null;
  const i = found.message - 1;
  return sent.messages[i]?.content === now.messages[i]?.content ? found : null;
}
