// A client-side reading of minijinja templates, for feedback while typing: the variables a
// template uses and the obvious syntax errors with their line. The server parses for real
// when a version is saved (its variables are authoritative, and its error names the message
// and line: `parseTemplateError` reads that back).

const KEYWORDS = new Set([
  'and', 'or', 'not', 'in', 'is', 'if', 'else', 'elif', 'endif', 'for', 'endfor', 'set', 'endset',
  'with', 'endwith', 'macro', 'endmacro', 'call', 'endcall', 'filter', 'endfilter', 'block',
  'endblock', 'raw', 'endraw', 'autoescape', 'endautoescape', 'true', 'false', 'none', 'True',
  'False', 'None', 'loop', 'range', 'dict', 'namespace', 'debug', 'recursive', 'as',
]);

const OPENERS: Record<string, string> = {
  if: 'endif', for: 'endfor', with: 'endwith', macro: 'endmacro', call: 'endcall', filter: 'endfilter',
  block: 'endblock', raw: 'endraw', autoescape: 'endautoescape',
};

export interface TemplateIssue {
  /** 1-based line in the message. */
  line: number;
  message: string;
}

interface Tag {
  kind: 'expr' | 'stmt';
  body: string;
  line: number;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset && k < text.length; k += 1) if (text[k] === '\n') line += 1;
  return line;
}

/** The `{{ … }}` and `{% … %}` tags of a template, and the unclosed ones as issues. */
function scan(text: string): { tags: Tag[]; issues: TemplateIssue[] } {
  const tags: Tag[] = [];
  const issues: TemplateIssue[] = [];
  const open = /\{(\{|%|#)/g;
  let match: RegExpExecArray | null;
  while ((match = open.exec(text)) !== null) {
    const kind = match[1];
    const close = kind === '{' ? '}}' : kind === '%' ? '%}' : '#}';
    const start = match.index + 2;
    const end = text.indexOf(close, start);
    const line = lineAt(text, match.index);
    if (end < 0) {
      const what = kind === '{' ? '{{' : kind === '%' ? '{%' : '{#';
      issues.push({ line, message: `“${what}” is not closed with “${close}”` });
      break;
    }
    if (kind !== '#') {
      const body = text.slice(start, end).replace(/^[-+~]/, '').replace(/[-+~]$/, '').trim();
      tags.push({ kind: kind === '{' ? 'expr' : 'stmt', body, line });
      if (kind === '{' && body === '') issues.push({ line, message: 'empty expression “{{ }}”' });
    }
    open.lastIndex = end + 2;
  }
  return { tags, issues };
}

/** Top-level names an expression reads (not attributes, filters, tests, strings or keywords). */
function namesIn(expression: string): string[] {
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const names: string[] = [];
  const ident = /[A-Za-z_][A-Za-z0-9_]*/g;
  let match: RegExpExecArray | null;
  while ((match = ident.exec(withoutStrings)) !== null) {
    const name = match[0];
    const before = withoutStrings.slice(0, match.index).trimEnd();
    const after = withoutStrings.slice(match.index + name.length).trimStart();
    const prev = before[before.length - 1];
    if (prev === '.' || prev === '|') continue;
    if (/\bis$/.test(before) || /\bis not$/.test(before)) continue;
    if (after.startsWith('=') && !after.startsWith('==')) continue; // keyword argument
    if (KEYWORDS.has(name)) continue;
    names.push(name);
  }
  return names;
}

export interface TemplateReading {
  variables: string[];
  issues: TemplateIssue[];
}

/** Reads one template: its variables and the syntax errors this scan can see. */
export function readTemplate(text: string): TemplateReading {
  const { tags, issues } = scan(text);
  const variables = new Set<string>();
  const declared = new Set<string>();
  const stack: { tag: string; line: number }[] = [];
  for (const tag of tags) {
    if (tag.kind === 'expr') {
      for (const name of namesIn(tag.body)) if (!declared.has(name)) variables.add(name);
      continue;
    }
    const word = /^([a-z_]+)/.exec(tag.body)?.[1] ?? '';
    const rest = tag.body.slice(word.length);
    if (word === '') {
      issues.push({ line: tag.line, message: 'a “{% %}” tag needs a statement' });
    } else if (word === 'for') {
      const loop = /^\s*([\w\s,()]+?)\s+in\s+([\s\S]+)$/.exec(rest);
      if (!loop) {
        issues.push({ line: tag.line, message: '“for” needs “for x in items”' });
      } else {
        for (const name of namesIn(loop[2]!.replace(/\brecursive\b/, ''))) if (!declared.has(name)) variables.add(name);
        for (const name of loop[1]!.split(/[\s,()]+/)) if (name) declared.add(name);
      }
      stack.push({ tag: 'for', line: tag.line });
    } else if (word === 'set') {
      const assign = /^\s*([\w\s,]+?)\s*=\s*([\s\S]+)$/.exec(rest);
      if (assign) {
        for (const name of namesIn(assign[2]!)) if (!declared.has(name)) variables.add(name);
        for (const name of assign[1]!.split(/[\s,]+/)) if (name) declared.add(name);
      } else {
        for (const name of rest.split(/[\s,]+/)) if (name) declared.add(name);
        stack.push({ tag: 'set', line: tag.line });
      }
    } else if (word === 'macro') {
      const name = /^\s*(\w+)\s*\(([^)]*)\)/.exec(rest);
      if (name) {
        declared.add(name[1]!);
        for (const arg of name[2]!.split(',')) {
          const argName = arg.split('=')[0]!.trim();
          if (argName) declared.add(argName);
        }
      }
      stack.push({ tag: 'macro', line: tag.line });
    } else if (word in OPENERS) {
      if (word === 'if' || word === 'with' || word === 'call' || word === 'filter') {
        for (const name of namesIn(rest)) if (!declared.has(name)) variables.add(name);
      }
      stack.push({ tag: word, line: tag.line });
    } else if (word === 'elif') {
      for (const name of namesIn(rest)) if (!declared.has(name)) variables.add(name);
      if (stack[stack.length - 1]?.tag !== 'if') issues.push({ line: tag.line, message: '“elif” outside an “if”' });
    } else if (word === 'else') {
      const top = stack[stack.length - 1]?.tag;
      if (top !== 'if' && top !== 'for') issues.push({ line: tag.line, message: '“else” outside an “if” or “for”' });
    } else if (word.startsWith('end')) {
      const top = stack.pop();
      if (!top) {
        issues.push({ line: tag.line, message: `“${word}” with nothing open` });
      } else if (OPENERS[top.tag] !== word) {
        issues.push({ line: tag.line, message: `“${word}” closes “${top.tag}” (line ${top.line}); expected “${OPENERS[top.tag]}”` });
      }
    } else if (!['include', 'import', 'from', 'extends', 'break', 'continue', 'do'].includes(word)) {
      issues.push({ line: tag.line, message: `unknown tag “${word}”` });
    }
  }
  for (const open of stack) {
    issues.push({ line: open.line, message: `“${open.tag}” is never closed (“${OPENERS[open.tag] ?? 'end' + open.tag}”)` });
  }
  return { variables: [...variables].sort(), issues: issues.sort((a, b) => a.line - b.line) };
}

/** Every variable the messages use, sorted. */
export function variablesOf(contents: readonly string[]): string[] {
  const all = new Set<string>();
  for (const content of contents) for (const name of readTemplate(content).variables) all.add(name);
  return [...all].sort();
}

/** A template error from the server: `… message 2 (user), line 3: detail`. */
export interface ServerTemplateError {
  /** 1-based message position. */
  message: number;
  line: number;
  detail: string;
}

export function parseTemplateError(text: string): ServerTemplateError | null {
  const found = /message (\d+) \(\w+\), line (\d+): ([\s\S]*)$/.exec(text);
  if (!found) return null;
  return { message: Number(found[1]), line: Number(found[2]), detail: found[3]!.trim() };
}
