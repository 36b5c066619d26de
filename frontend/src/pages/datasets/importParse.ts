/**
 * Reading a dataset file in the browser, before it is sent: CSV (RFC 4180 quoting) and JSONL
 * into a table of columns × rows for the preview, and a column mapping (input / expected /
 * metadata / ignore) into the items and the `DatasetImportMapping` the API takes.
 */

export type FileFormat = 'CSV' | 'JSONL';
export type ColumnRole = 'input' | 'expected' | 'metadata' | 'ignore';

export interface ColumnMapping {
  column: string;
  role: ColumnRole;
  /** The input variable's name (the column's own name by default). */
  name: string;
}

export interface ParsedTable {
  format: FileFormat;
  columns: string[];
  /** Cell values: strings for CSV, any JSON value for JSONL (undefined: key absent). */
  rows: unknown[][];
  /** 1-based physical line each row starts on. */
  lines: number[];
  /** Whether the CSV's first line looked like a header (JSONL: always true, keys). */
  hasHeader: boolean;
  errors: { line: number; message: string }[];
}

export interface ItemRow {
  inputs: Record<string, unknown>;
  expected?: unknown;
  metadata: Record<string, unknown>;
}

export function formatOf(fileName: string, text: string): FileFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'JSONL';
  if (lower.endsWith('.csv') || lower.endsWith('.tsv')) return 'CSV';
  return text.trimStart().startsWith('{') ? 'JSONL' : 'CSV';
}

/** Records of a CSV text: quoted fields may hold the delimiter, `""` and line breaks. */
export function parseCsvRecords(
  text: string,
  delimiter = ',',
): { records: string[][]; lines: number[]; error?: { line: number; message: string } } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  const lines: number[] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let quotedField = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    record.push(field);
    // A blank line (one empty unquoted field) is no record.
    if (!(record.length === 1 && record[0] === '' && !quotedField)) {
      records.push(record);
      lines.push(recordLine);
    }
    record = [];
    field = '';
    quotedField = false;
  };
  while (i < src.length) {
    const c = src[i];
    if (inQuotes) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i += 1;
        continue;
      }
      if (c === '\n') line += 1;
      field += c;
      i += 1;
      continue;
    }
    if (c === '"' && field === '') {
      inQuotes = true;
      quotedField = true;
      i += 1;
      continue;
    }
    if (c === delimiter) {
      record.push(field);
      field = '';
      quotedField = false;
      i += 1;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    field += c;
    i += 1;
  }
  if (inQuotes) {
    return { records, lines, error: { line: recordLine, message: 'A quoted field is not closed.' } };
  }
  if (field !== '' || record.length > 0 || quotedField) endRecord();
  return { records, lines };
}

/**
 * Whether a CSV's first record is a header: its cells are non-empty, distinct and not
 * numbers, and (with a second record) not all equal to the second's shape of numbers.
 */
export function looksLikeHeader(records: string[][]): boolean {
  const first = records[0];
  if (!first || first.length === 0) return false;
  const trimmed = first.map((c) => c.trim());
  if (trimmed.some((c) => c === '')) return false;
  if (new Set(trimmed).size !== trimmed.length) return false;
  const isNumber = (c: string) => c.trim() !== '' && !Number.isNaN(Number(c));
  if (trimmed.some(isNumber)) return false;
  const second = records[1];
  if (second && second.length === first.length) {
    // A header row usually differs from the data below it in kind (numbers below a name).
    const allSame = second.every((c, i) => c === first[i]);
    if (allSame) return false;
  }
  return true;
}

export function parseCsv(text: string, delimiter = ',', header?: boolean): ParsedTable {
  const { records, lines, error } = parseCsvRecords(text, delimiter);
  const hasHeader = header ?? looksLikeHeader(records);
  const width = records.reduce((max, r) => Math.max(max, r.length), 0);
  const columns = hasHeader && records[0]
    ? records[0].map((c) => c.trim())
    : Array.from({ length: width }, (_, i) => `column${i + 1}`);
  const body = hasHeader ? records.slice(1) : records;
  const bodyLines = hasHeader ? lines.slice(1) : lines;
  const errors: ParsedTable['errors'] = error ? [error] : [];
  body.forEach((r, i) => {
    if (r.length !== columns.length) {
      errors.push({ line: bodyLines[i] ?? 0, message: `${r.length} ${r.length === 1 ? 'field' : 'fields'} where the header has ${columns.length}.` });
    }
  });
  return { format: 'CSV', columns, rows: body, lines: bodyLines, hasHeader, errors };
}

export function parseJsonl(text: string): ParsedTable {
  const columns: string[] = [];
  const objects: Record<string, unknown>[] = [];
  const lines: number[] = [];
  const errors: ParsedTable['errors'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      errors.push({ line: i + 1, message: 'Not valid JSON.' });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ line: i + 1, message: 'Not a JSON object.' });
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) if (!columns.includes(key)) columns.push(key);
    objects.push(record);
    lines.push(i + 1);
  });
  const rows = objects.map((o) => columns.map((c) => o[c]));
  return { format: 'JSONL', columns, rows, lines, hasHeader: true, errors };
}

export function parseFile(format: FileFormat, text: string, delimiter = ','): ParsedTable {
  return format === 'CSV' ? parseCsv(text, delimiter) : parseJsonl(text);
}

/** The starting mapping: `expected` → expected, `metadata`-ish columns → metadata, the rest inputs. */
export function defaultMapping(columns: string[]): ColumnMapping[] {
  return columns.map((column) => {
    const lower = column.toLowerCase();
    let role: ColumnRole = 'input';
    if (lower === 'expected' || lower === 'expected_output' || lower === 'answer') role = 'expected';
    else if (lower === 'metadata' || lower === 'note' || lower === 'notes' || lower === 'source') role = 'metadata';
    return { column, role, name: column };
  });
}

/** Whether the mapping renames any input (the API's mapping cannot, so the file is rewritten). */
export function renames(mapping: ColumnMapping[]): boolean {
  return mapping.some((m) => m.role === 'input' && m.name.trim() !== m.column);
}

export function mappingProblems(mapping: ColumnMapping[]): string[] {
  const problems: string[] = [];
  const inputs = mapping.filter((m) => m.role === 'input');
  if (inputs.length === 0) problems.push('Map at least one column to an input.');
  if (mapping.filter((m) => m.role === 'expected').length > 1) problems.push('Only one column can be the expected output.');
  const names = inputs.map((m) => m.name.trim());
  if (names.some((n) => n === '')) problems.push('Every input needs a variable name.');
  const seen = new Set<string>();
  for (const n of names) {
    if (n && seen.has(n)) problems.push(`Two inputs are both named “${n}”.`);
    seen.add(n);
  }
  return problems;
}

/** The `DatasetImportMapping` for the file as it is (no renames). */
export function apiMapping(mapping: ColumnMapping[]): { inputs: string[]; expected?: string; metadata: string[] } {
  const expected = mapping.find((m) => m.role === 'expected')?.column;
  return {
    inputs: mapping.filter((m) => m.role === 'input').map((m) => m.column),
    ...(expected !== undefined ? { expected } : {}),
    metadata: mapping.filter((m) => m.role === 'metadata').map((m) => m.column),
  };
}

/** The items the mapping makes of the table (what the server will store). */
export function toItems(table: ParsedTable, mapping: ColumnMapping[]): ItemRow[] {
  return table.rows.map((row) => {
    const item: ItemRow = { inputs: {}, metadata: {} };
    mapping.forEach((m) => {
      const index = table.columns.indexOf(m.column);
      const value = index >= 0 ? row[index] : undefined;
      if (value === undefined) return;
      const nested = table.format === 'JSONL' && isRecord(value);
      if (m.role === 'input') {
        // A JSONL line's `inputs` object holds the inputs themselves.
        if (nested && m.column === 'inputs' && m.name.trim() === 'inputs') Object.assign(item.inputs, value);
        else item.inputs[m.name.trim() || m.column] = value;
      } else if (m.role === 'expected') {
        if (!(table.format === 'CSV' && value === '')) item.expected = value;
      } else if (m.role === 'metadata') {
        if (nested && m.column === 'metadata') Object.assign(item.metadata, value);
        else item.metadata[m.column] = value;
      }
    });
    return item;
  });
}

/** Items as JSONL the API imports with no mapping (`inputs`, `expected`, `metadata` keys). */
export function toJsonl(items: ItemRow[]): string {
  return items.map((item) => JSON.stringify(item)).join('\n') + '\n';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether the file can go as it is with `apiMapping` (the server then applies the mapping):
 * not when inputs are renamed, a CSV has no header line, or JSONL nests `inputs`/`metadata`
 * objects — then the items are rewritten here as JSONL the server imports without a mapping.
 */
export function sendsAsIs(table: ParsedTable, mapping: ColumnMapping[]): boolean {
  if (renames(mapping)) return false;
  if (table.format === 'CSV') return table.hasHeader;
  return !table.columns.includes('inputs') && !table.columns.includes('metadata');
}
