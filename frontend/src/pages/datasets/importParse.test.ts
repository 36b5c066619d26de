import { describe, expect, it } from 'vitest';
import {
  apiMapping,
  defaultMapping,
  formatOf,
  looksLikeHeader,
  mappingProblems,
  parseCsv,
  parseCsvRecords,
  parseJsonl,
  renames,
  sendsAsIs,
  toItems,
  toJsonl,
} from './importParse';

describe('parseCsvRecords', () => {
  it('splits plain records and skips blank lines', () => {
    const { records, lines } = parseCsvRecords('a,b\n1,2\n\n3,4\n');
    expect(records).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
    expect(lines).toEqual([1, 2, 4]);
  });

  it('keeps commas, doubled quotes and line breaks inside quotes', () => {
    const text = 'q,note\n"Say ""hi""","two\nlines, really"\nx,"a,b"';
    const { records, lines } = parseCsvRecords(text);
    expect(records).toEqual([
      ['q', 'note'],
      ['Say "hi"', 'two\nlines, really'],
      ['x', 'a,b'],
    ]);
    expect(lines).toEqual([1, 2, 4]);
  });

  it('handles CRLF, a BOM, another delimiter and a last line without newline', () => {
    const { records } = parseCsvRecords('\ufeffa;b\r\n"1;2";3', ';');
    expect(records).toEqual([['a', 'b'], ['1;2', '3']]);
  });

  it('keeps an empty quoted field as a record', () => {
    expect(parseCsvRecords('a\n""\n').records).toEqual([['a'], ['']]);
  });

  it('reports an unclosed quote', () => {
    expect(parseCsvRecords('a\n"open,1\n2').error?.message).toMatch(/not closed/);
  });
});

describe('header detection', () => {
  it('takes distinct non-numeric names as a header', () => {
    expect(looksLikeHeader([['city', 'expected'], ['Paris', 'Paris']])).toBe(true);
  });
  it('refuses numbers, blanks and duplicates', () => {
    expect(looksLikeHeader([['1', 'x'], ['2', 'y']])).toBe(false);
    expect(looksLikeHeader([['a', ''], ['2', 'y']])).toBe(false);
    expect(looksLikeHeader([['a', 'a'], ['2', 'y']])).toBe(false);
  });
  it('names columns when there is no header', () => {
    const table = parseCsv('1,2\n3,4');
    expect(table.hasHeader).toBe(false);
    expect(table.columns).toEqual(['column1', 'column2']);
    expect(table.rows).toHaveLength(2);
  });
  it('flags rows with the wrong number of fields by line', () => {
    const table = parseCsv('a,b\n1,2\n3\n');
    expect(table.errors).toEqual([{ line: 3, message: '1 field where the header has 2.' }]);
  });
});

describe('mapping', () => {
  const table = parseCsv('city,expected,note\nParis,Paris,"capital, of course"\nRome,,x\n');

  it('guesses expected and metadata columns', () => {
    expect(defaultMapping(table.columns).map((m) => m.role)).toEqual(['input', 'expected', 'metadata']);
  });

  it('turns rows into items; an empty expected cell is no expected output', () => {
    const items = toItems(table, defaultMapping(table.columns));
    expect(items[0]).toEqual({ inputs: { city: 'Paris' }, expected: 'Paris', metadata: { note: 'capital, of course' } });
    expect(items[1]).toEqual({ inputs: { city: 'Rome' }, metadata: { note: 'x' } });
  });

  it('renames inputs and drops ignored columns', () => {
    const mapping = [
      { column: 'city', role: 'input' as const, name: 'town' },
      { column: 'expected', role: 'expected' as const, name: 'expected' },
      { column: 'note', role: 'ignore' as const, name: 'note' },
    ];
    expect(renames(mapping)).toBe(true);
    expect(toItems(table, mapping)[0]).toEqual({ inputs: { town: 'Paris' }, expected: 'Paris', metadata: {} });
    expect(toJsonl(toItems(table, mapping)).split('\n')[0]).toBe(
      '{"inputs":{"town":"Paris"},"metadata":{},"expected":"Paris"}',
    );
  });

  it('gives the API mapping', () => {
    expect(apiMapping(defaultMapping(table.columns))).toEqual({ inputs: ['city'], expected: 'expected', metadata: ['note'] });
  });

  it('finds mapping problems', () => {
    expect(mappingProblems([{ column: 'a', role: 'ignore', name: 'a' }])).toContain('Map at least one column to an input.');
    expect(
      mappingProblems([
        { column: 'a', role: 'input', name: 'x' },
        { column: 'b', role: 'input', name: 'x' },
      ]),
    ).toEqual(['Two inputs are both named “x”.']);
  });
});

describe('JSONL', () => {
  it('reads objects, collects keys, skips blank lines and reports bad lines', () => {
    const table = parseJsonl('{"q": "a", "expected": {"n": 1}}\n\n{"q": "b", "extra": true}\n[1]\nnope\n');
    expect(table.columns).toEqual(['q', 'expected', 'extra']);
    expect(table.rows).toEqual([
      ['a', { n: 1 }, undefined],
      ['b', undefined, true],
    ]);
    expect(table.lines).toEqual([1, 3]);
    expect(table.errors.map((e) => e.line)).toEqual([4, 5]);
    const items = toItems(table, defaultMapping(table.columns));
    expect(items[0]).toEqual({ inputs: { q: 'a' }, expected: { n: 1 }, metadata: {} });
    expect(items[1]).toEqual({ inputs: { q: 'b', extra: true }, metadata: {} });
  });

  it('spreads nested inputs and metadata objects and then rewrites the file', () => {
    const table = parseJsonl('{"inputs": {"q": "a"}, "expected": "x", "metadata": {"s": 1}}');
    const mapping = defaultMapping(table.columns);
    expect(toItems(table, mapping)[0]).toEqual({ inputs: { q: 'a' }, expected: 'x', metadata: { s: 1 } });
    expect(sendsAsIs(table, mapping)).toBe(false);
    const flat = parseCsv('q,expected\na,b');
    expect(sendsAsIs(flat, defaultMapping(flat.columns))).toBe(true);
    expect(sendsAsIs(parseCsv('1,2'), defaultMapping(['column1', 'column2']))).toBe(false);
  });

  it('picks the format from the name or the content', () => {
    expect(formatOf('x.jsonl', '')).toBe('JSONL');
    expect(formatOf('x.csv', '{')).toBe('CSV');
    expect(formatOf('x.txt', ' {"a":1}')).toBe('JSONL');
  });
});
