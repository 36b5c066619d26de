import { useMemo, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ErrorView, PageHeader, QueryState, permissionTitle } from '../../components/states';
import { problemOfUnknown } from '../../lib/errors';
import { useOrg } from '../../lib/org';
import { ImportMapping } from './ImportMapping';
import {
  apiMapping,
  defaultMapping,
  formatOf,
  mappingProblems,
  parseCsv,
  parseJsonl,
  sendsAsIs,
  toItems,
  toJsonl,
  type ColumnMapping,
  type FileFormat,
} from './importParse';
import { short } from './json';
import { DatasetDetailQuery, DatasetsImportMutation } from './queries';

const PREVIEW_ROWS = 5;

/** `/datasets/:id/import`: a CSV or JSONL file, previewed and mapped here, then imported. */
export default function ImportPage() {
  const { id = '' } = useParams();
  const { can } = useOrg();
  const canWrite = can('dataset:write');
  const [dataset] = useQuery({ query: DatasetDetailQuery, variables: { id, first: 1, after: null, version: null } });
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const [readError, setReadError] = useState<string | null>(null);
  const [format, setFormat] = useState<FileFormat>('CSV');
  const [delimiter, setDelimiter] = useState(',');
  const [header, setHeader] = useState<boolean | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping[]>([]);
  const [message, setMessage] = useState('');
  const [state, importItems] = useMutation(DatasetsImportMutation);
  const [sent, setSent] = useState<string | null>(null);

  const table = useMemo(() => {
    if (!file) return null;
    return format === 'CSV' ? parseCsv(text, delimiter || ',', header ?? undefined) : parseJsonl(text);
  }, [file, text, format, delimiter, header]);
  const columnsKey = table?.columns.join('\u0000') ?? '';
  // A new set of columns starts a new mapping.
  const [mappedKey, setMappedKey] = useState('');
  if (table && columnsKey !== mappedKey) {
    setMappedKey(columnsKey);
    setMapping(defaultMapping(table.columns));
  }

  const choose = async (picked: File | null) => {
    setFile(picked);
    setSent(null);
    setReadError(null);
    setHeader(null);
    if (!picked) return setText('');
    try {
      const content = await picked.text();
      setText(content);
      setFormat(formatOf(picked.name, content));
      if (picked.name.toLowerCase().endsWith('.tsv')) setDelimiter('\t');
    } catch (error) {
      setReadError(problemOfUnknown(error).detail);
    }
  };

  const problems = table ? mappingProblems(mapping) : [];
  const items = table ? toItems(table, mapping) : [];
  const asIs = table ? sendsAsIs(table, mapping) : true;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file || !table || problems.length > 0) return;
    // The file goes as a multipart upload (any size up to the server's limit); the server
    // needs the preflight header on multipart requests.
    const context = { fetchOptions: { headers: { 'Apollo-Require-Preflight': 'true' } } };
    const msg = message.trim() || null;
    const input = asIs
      ? {
          format: table.format,
          upload: file,
          ...(table.format === 'CSV' ? { delimiter: delimiter || ',' } : {}),
          mapping: apiMapping(mapping),
          message: msg,
        }
      : {
          format: 'JSONL' as const,
          upload: new File([toJsonl(items)], `${file.name}.jsonl`, { type: 'application/x-ndjson' }),
          message: msg,
        };
    setSent(asIs ? 'the file with the column mapping' : 'the mapped items, rewritten as JSONL');
    await importItems({ datasetId: id, input }, context);
  };

  const done = state.data?.importDatasetItems;
  return (
    <QueryState fetching={dataset.fetching} error={dataset.error} hasData={!!dataset.data?.dataset}>
      <p className="muted ds-crumbs">
        <Link to="/datasets">Datasets</Link> / <Link to={`/datasets/${id}`}>{dataset.data?.dataset?.name}</Link> / import
      </p>
      <PageHeader title={`Import items into ${dataset.data?.dataset?.name ?? 'dataset'}`}>
        <p className="muted">A CSV file with a header line, or JSONL (one JSON object per line). Nothing is imported if any line is bad.</p>
      </PageHeader>
      <form onSubmit={submit} className="stack">
        <section className="card" aria-labelledby="imp-file">
          <h2 id="imp-file">1. File</h2>
          <div className="row imp-file-row">
            <label className="field">
              <span>File (CSV or JSONL)</span>
              <input type="file" accept=".csv,.tsv,.jsonl,.ndjson,.txt,text/csv,application/json" onChange={(e) => void choose(e.target.files?.[0] ?? null)} />
            </label>
            <label className="field">
              <span>Format</span>
              <select value={format} onChange={(e) => setFormat(e.target.value as FileFormat)}>
                <option value="CSV">CSV</option>
                <option value="JSONL">JSONL</option>
              </select>
            </label>
            {format === 'CSV' ? (
              <>
                <label className="field imp-delim">
                  <span>Delimiter</span>
                  <input value={delimiter === '\t' ? '\\t' : delimiter} maxLength={2} onChange={(e) => setDelimiter(e.target.value === '\\t' ? '\t' : e.target.value.slice(0, 1))} />
                </label>
                <label className="row ds-check">
                  <input type="checkbox" checked={table?.hasHeader ?? true} onChange={(e) => setHeader(e.target.checked)} disabled={!table} />
                  First line is a header
                </label>
              </>
            ) : null}
          </div>
          {readError ? <ErrorView problem={{ code: 'BAD_USER_INPUT', title: 'The file could not be read.', detail: readError, issues: [] }} /> : null}
        </section>

        {table ? (
          <section className="card" aria-labelledby="imp-preview">
            <h2 id="imp-preview">2. Preview</h2>
            <p className="muted">
              {table.rows.length} rows, {table.columns.length} columns
              {table.format === 'CSV' ? (table.hasHeader ? ' · header detected' : ' · no header line: columns are numbered') : ''}
              {table.rows.length > PREVIEW_ROWS ? ` · first ${PREVIEW_ROWS} shown` : ''}
            </p>
            {table.errors.length > 0 ? (
              <ErrorView
                problem={{
                  code: 'BAD_USER_INPUT',
                  title: 'Some lines of the file look wrong; the server will refuse them.',
                  detail: '',
                  issues: table.errors.slice(0, 20),
                }}
              />
            ) : null}
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">File preview</caption>
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    {table.columns.map((c) => (
                      <th scope="col" key={c}>
                        {c}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {table.rows.slice(0, PREVIEW_ROWS).map((row, i) => (
                    <tr key={i}>
                      <td className="muted">{table.lines[i]}</td>
                      {table.columns.map((c, j) => (
                        <td key={c} className="imp-cell">
                          {short(row[j], 80)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ) : null}

        {table ? (
          <ImportMapping
            mapping={mapping}
            onChange={setMapping}
            items={items.slice(0, 3)}
            problems={problems}
            note={
              asIs
                ? 'The file is sent as it is, with this mapping.'
                : 'The mapping renames columns or the file has no header, so the items are rewritten here as JSONL and that is sent.'
            }
          />
        ) : null}

        {table ? (
          <section className="card" aria-labelledby="imp-go">
            <h2 id="imp-go">4. Import</h2>
            <label className="field">
              <span>Change message</span>
              <input value={message} onChange={(e) => setMessage(e.target.value)} placeholder={`Import ${file?.name ?? ''}`} />
            </label>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={!canWrite || state.fetching || problems.length > 0 || table.rows.length === 0}
              title={permissionTitle(canWrite, 'import into datasets')}
            >
              {state.fetching ? 'Importing…' : `Import ${table.rows.length} items`}
            </button>
            {state.error && sent ? <ErrorView error={state.error} /> : null}
            {done && sent ? (
              <div className="state imp-done" role="status">
                <p className="state-title">
                  Imported {done.added} items: version {done.version.version} now has {done.version.itemCount} items.
                </p>
                <p className="muted">Sent {sent}.</p>
                <Link to={`/datasets/${id}`}>View the items</Link>
              </div>
            ) : null}
          </section>
        ) : null}
      </form>
    </QueryState>
  );
}
