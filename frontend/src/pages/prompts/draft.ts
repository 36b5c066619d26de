// The editable form of a prompt version (strings for every input) and its conversion to the
// API's PromptVersionInput, with the problems a person can fix before sending it.
import type { MessageRole, PromptVersionInput, Provider } from '../../gql/graphql';

export const ROLES: MessageRole[] = ['SYSTEM', 'USER', 'ASSISTANT'];
export const PROVIDERS: Provider[] = ['MOCK', 'OPENAI', 'ANTHROPIC', 'OPENAI_COMPATIBLE'];

export interface DraftMessage {
  key: string;
  role: MessageRole;
  content: string;
}

export interface DraftModel {
  provider: Provider;
  model: string;
  temperature: string;
  maxTokens: string;
  topP: string;
  /** One stop sequence per line. */
  stop: string;
  /** A JSON object, as text. */
  extra: string;
}

export interface VersionDraft {
  messages: DraftMessage[];
  model: DraftModel;
  commitMessage: string;
}

let counter = 0;
export function messageKey(): string {
  counter += 1;
  return `m${counter}`;
}

export function emptyDraft(): VersionDraft {
  return {
    messages: [{ key: messageKey(), role: 'USER', content: '' }],
    model: { provider: 'MOCK', model: 'echo', temperature: '', maxTokens: '', topP: '', stop: '', extra: '{}' },
    commitMessage: '',
  };
}

export interface VersionLike {
  messages: readonly { role: MessageRole; content: string }[];
  model: {
    provider: Provider;
    model: string;
    temperature: number | null;
    maxTokens: number | null;
    topP: number | null;
    stop: readonly string[];
    extra: unknown;
  };
}

/** A draft that starts from an existing version (for the next one). */
export function draftFrom(version: VersionLike): VersionDraft {
  const m = version.model;
  return {
    messages: version.messages.map((msg) => ({ key: messageKey(), role: msg.role, content: msg.content })),
    model: {
      provider: m.provider,
      model: m.model,
      temperature: m.temperature == null ? '' : String(m.temperature),
      maxTokens: m.maxTokens == null ? '' : String(m.maxTokens),
      topP: m.topP == null ? '' : String(m.topP),
      stop: m.stop.join('\n'),
      extra: JSON.stringify(m.extra ?? {}, null, 2),
    },
    commitMessage: '',
  };
}

export interface FieldProblems {
  model?: string;
  temperature?: string;
  maxTokens?: string;
  topP?: string;
  extra?: string;
  messages?: string;
}

function numberOr(text: string, integer: boolean): number | null | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) return 'invalid';
  return value;
}

/** The API input, or the problems that stop it. */
export function toVersionInput(draft: VersionDraft): { input: PromptVersionInput } | { problems: FieldProblems } {
  const problems: FieldProblems = {};
  const temperature = numberOr(draft.model.temperature, false);
  if (temperature === 'invalid' || (temperature !== null && (temperature < 0 || temperature > 2))) {
    problems.temperature = 'A number from 0 to 2, or empty.';
  }
  const maxTokens = numberOr(draft.model.maxTokens, true);
  if (maxTokens === 'invalid' || (maxTokens !== null && maxTokens < 1)) problems.maxTokens = 'A whole number above 0, or empty.';
  const topP = numberOr(draft.model.topP, false);
  if (topP === 'invalid' || (topP !== null && (topP < 0 || topP > 1))) problems.topP = 'A number from 0 to 1, or empty.';
  if (draft.model.model.trim() === '') problems.model = 'Name the model.';
  let extra: unknown = {};
  if (draft.model.extra.trim() !== '') {
    try {
      extra = JSON.parse(draft.model.extra);
      if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) problems.extra = 'Must be a JSON object.';
    } catch (error) {
      problems.extra = `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (draft.messages.length === 0) problems.messages = 'A version needs at least one message.';
  if (Object.keys(problems).length > 0) return { problems };
  const stop = draft.model.stop
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return {
    input: {
      messages: draft.messages.map((m) => ({ role: m.role, content: m.content })),
      model: {
        provider: draft.model.provider,
        model: draft.model.model.trim(),
        temperature: temperature as number | null,
        maxTokens: maxTokens as number | null,
        topP: topP as number | null,
        stop,
        extra,
      },
      ...(draft.commitMessage.trim() ? { commitMessage: draft.commitMessage.trim() } : {}),
    },
  };
}
