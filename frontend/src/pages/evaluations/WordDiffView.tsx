import { useMemo } from 'react';
import { asText, wordDiff } from './wordDiff';

/** `before` → `after` word by word: removed words struck through, added underlined (and named for screen readers). */
export function WordDiffView({ before, after, beforeName, afterName }: { before: unknown; after: unknown; beforeName: string; afterName: string }) {
  const parts = useMemo(() => wordDiff(asText(before), asText(after)), [before, after]);
  const same = parts.every((p) => p.kind === 'same');
  return (
    <div className="ev-diff" aria-label={`${beforeName} compared with ${afterName}`} role="group">
      {same ? <span className="badge ok ev-diff-same">identical</span> : null}
      <span className="ev-diff-text">
        {parts.map((p, i) =>
          p.kind === 'same' ? (
            <span key={i}>{p.text}</span>
          ) : p.kind === 'removed' ? (
            <del key={i} title={`only in ${beforeName}`}>
              <span className="visually-hidden">[only in {beforeName}: </span>
              {p.text}
              <span className="visually-hidden">]</span>
            </del>
          ) : (
            <ins key={i} title={`only in ${afterName}`}>
              <span className="visually-hidden">[only in {afterName}: </span>
              {p.text}
              <span className="visually-hidden">]</span>
            </ins>
          ),
        )}
      </span>
    </div>
  );
}
