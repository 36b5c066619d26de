import { describe, expect, it } from 'vitest';
import { parseTemplateError, readTemplate, variablesOf } from './template';

describe('readTemplate', () => {
  it('finds top-level variables, not filters, attributes or strings', () => {
    const r = readTemplate('Tell me about {{ topic | upper }} for {{ user.name }} in {{ "lang" }} {{ tone|default("calm") }}');
    expect(r.variables).toEqual(['tone', 'topic', 'user']);
    expect(r.issues).toEqual([]);
  });

  it('does not count loop and set variables', () => {
    const r = readTemplate('{% set greeting = salutation %}{% for item in items %}{{ greeting }} {{ item }} {{ loop.index }}{% endfor %}');
    expect(r.variables).toEqual(['items', 'salutation']);
  });

  it('reads conditions', () => {
    expect(readTemplate('{% if formal and not rushed %}Dear{% elif casual %}Hey{% else %}Hi{% endif %}').variables).toEqual([
      'casual',
      'formal',
      'rushed',
    ]);
  });

  it('ignores tests after "is"', () => {
    expect(readTemplate('{% if name is defined %}{{ name }}{% endif %}').variables).toEqual(['name']);
  });

  it('reports an unclosed expression at its line', () => {
    expect(readTemplate('line one\nHello {{ name\nbye').issues).toEqual([{ line: 2, message: '“{{” is not closed with “}}”' }]);
  });

  it('reports unbalanced blocks at their lines', () => {
    expect(readTemplate('a\n{% if x %}\nb').issues).toEqual([{ line: 2, message: '“if” is never closed (“endif”)' }]);
    expect(readTemplate('{% endfor %}').issues[0]?.message).toContain('nothing open');
    expect(readTemplate('{% for a in b %}\n{% endif %}').issues[0]).toMatchObject({ line: 2 });
  });
});

describe('variablesOf', () => {
  it('merges the messages', () => {
    expect(variablesOf(['{{ b }}', '{{ a }} {{ b }}'])).toEqual(['a', 'b']);
  });
});

describe('parseTemplateError', () => {
  it('reads the message number and line from the server', () => {
    expect(parseTemplateError('template does not parse: message 2 (user), line 3: syntax error: unexpected end')).toEqual({
      message: 2,
      line: 3,
      detail: 'syntax error: unexpected end',
    });
    expect(parseTemplateError('model.temperature must be between 0 and 2')).toBeNull();
  });
});
