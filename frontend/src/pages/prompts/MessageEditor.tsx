import { useId } from 'react';
import type { MessageRole } from '../../gql/graphql';
import { ROLES, type DraftMessage } from './draft';
import type { TemplateIssue } from './template';

/** The template's lines, numbered, each issue shown right under its line. */
function LinesWithIssues({ content, issues, id }: { content: string; issues: TemplateIssue[]; id: string }) {
  const lines = content.split('\n');
  return (
    <div id={id} className="template-issues" role="alert">
      <p className="template-issues-title">
        {issues.length === 1 ? 'Template error' : `${issues.length} template errors`}
      </p>
      <ol className="template-lines">
        {lines.map((text, i) => {
          const here = issues.filter((issue) => issue.line === i + 1 || (i === lines.length - 1 && issue.line > lines.length));
          if (here.length === 0 && !issues.some((issue) => Math.abs(issue.line - (i + 1)) <= 1)) return null;
          return (
            <li key={i} value={i + 1} className={here.length > 0 ? 'has-issue' : undefined}>
              <code>{text === '' ? ' ' : text}</code>
              {here.map((issue, k) => (
                <span key={k} className="line-issue">
                  <span aria-hidden="true">▲ </span>Line {issue.line}: {issue.message}
                </span>
              ))}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

export function MessageEditor({
  message,
  position,
  count,
  issues,
  onChange,
  onMove,
  onRemove,
}: {
  message: DraftMessage;
  /** 1-based. */
  position: number;
  count: number;
  issues: TemplateIssue[];
  onChange: (next: DraftMessage) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}) {
  const issuesId = useId();
  return (
    <fieldset className="message-editor">
      <legend>Message {position}</legend>
      <div className="row message-toolbar">
        <label className="field inline-field">
          <span>Role</span>
          <select
            value={message.role}
            aria-label={`Role of message ${position}`}
            onChange={(e) => onChange({ ...message, role: e.target.value as MessageRole })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={() => onMove(-1)} disabled={position === 1} aria-label={`Move message ${position} up`}>
          ↑ <span aria-hidden="true">Up</span>
        </button>
        <button type="button" className="btn btn-small" onClick={() => onMove(1)} disabled={position === count} aria-label={`Move message ${position} down`}>
          ↓ <span aria-hidden="true">Down</span>
        </button>
        <button type="button" className="btn btn-small btn-danger" onClick={onRemove} disabled={count === 1} aria-label={`Remove message ${position}`}>
          Remove
        </button>
      </div>
      <label className="field">
        <span>Content of message {position}</span>
        <textarea
          value={message.content}
          rows={Math.min(14, Math.max(3, message.content.split('\n').length + 1))}
          spellCheck={false}
          aria-invalid={issues.length > 0}
          aria-describedby={issues.length > 0 ? issuesId : undefined}
          onChange={(e) => onChange({ ...message, content: e.target.value })}
        />
      </label>
      {issues.length > 0 ? <LinesWithIssues content={message.content} issues={issues} id={issuesId} /> : null}
    </fieldset>
  );
}
