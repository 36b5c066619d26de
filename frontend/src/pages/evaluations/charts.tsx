import { useId } from 'react';
import { niceMax, type Bin } from './chartMath';

/**
 * Small SVG charts, each a <figure> with a title, the drawing (role="img", named by the
 * title) and the same numbers as a table under a disclosure.
 */
export interface Bar {
  label: string;
  value: number;
  /** The value as words ("87.5%"). */
  text: string;
}

const W = 360;
const ROW = 26;
const LABEL = 120;

/** Horizontal bars, e.g. pass rate per evaluator (max 1) or cost per target. */
export function BarChart({ title, bars, max, unit }: { title: string; bars: Bar[]; max?: number; unit: string }) {
  const id = useId();
  const top = max ?? niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const height = bars.length * ROW + 8;
  const plot = W - LABEL - 60;
  return (
    <figure className="ev-chart">
      <figcaption id={id}>{title}</figcaption>
      {bars.length === 0 ? (
        <p className="muted">No data yet.</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby={id} className="ev-svg">
          {bars.map((b, i) => {
            const y = i * ROW + 4;
            const w = top > 0 ? Math.max(0, Math.min(1, b.value / top)) * plot : 0;
            return (
              <g key={`${b.label}-${i}`}>
                <text x={LABEL - 6} y={y + ROW / 2 + 1} textAnchor="end" className="ev-svg-label">
                  {b.label.length > 18 ? `${b.label.slice(0, 17)}…` : b.label}
                </text>
                <rect x={LABEL} y={y + 3} width={plot} height={ROW - 8} className="ev-svg-track" />
                <rect x={LABEL} y={y + 3} width={w} height={ROW - 8} className="ev-svg-bar" />
                <text x={LABEL + plot + 6} y={y + ROW / 2 + 1} className="ev-svg-value">
                  {b.text}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <DataTable title={title} head={['', unit]} rows={bars.map((b) => [b.label, b.text])} />
    </figure>
  );
}

/** Vertical bars over bins, e.g. the score distribution or the latency histogram. */
export function Histogram({ title, bins, xLabel }: { title: string; bins: Bin[]; xLabel: string }) {
  const id = useId();
  const H = 140;
  const top = niceMax(Math.max(0, ...bins.map((b) => b.count)));
  const plotH = H - 30;
  const left = 28;
  const barW = bins.length > 0 ? (W - left - 4) / bins.length : 0;
  return (
    <figure className="ev-chart">
      <figcaption id={id}>{title}</figcaption>
      {bins.length === 0 ? (
        <p className="muted">No data yet.</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={id} className="ev-svg">
          <line x1={left} y1={4} x2={left} y2={plotH + 4} className="ev-svg-axis" />
          <line x1={left} y1={plotH + 4} x2={W - 4} y2={plotH + 4} className="ev-svg-axis" />
          <text x={left - 4} y={12} textAnchor="end" className="ev-svg-small">
            {top}
          </text>
          <text x={left - 4} y={plotH + 4} textAnchor="end" className="ev-svg-small">
            0
          </text>
          {bins.map((b, i) => {
            const h = top > 0 ? (b.count / top) * plotH : 0;
            const x = left + i * barW;
            return (
              <g key={i}>
                <rect x={x + 1} y={plotH + 4 - h} width={Math.max(1, barW - 2)} height={h} className="ev-svg-bar" />
                {b.count > 0 ? (
                  <text x={x + barW / 2} y={plotH + 2 - h} textAnchor="middle" className="ev-svg-small">
                    {b.count}
                  </text>
                ) : null}
              </g>
            );
          })}
          <text x={left} y={H - 6} className="ev-svg-small">
            {bins[0]?.label.split('–')[0]}
          </text>
          <text x={W / 2} y={H - 6} textAnchor="middle" className="ev-svg-small">
            {xLabel}
          </text>
          <text x={W - 4} y={H - 6} textAnchor="end" className="ev-svg-small">
            {bins[bins.length - 1]?.label.split('–')[1]}
          </text>
        </svg>
      )}
      <DataTable title={title} head={[xLabel, 'Results']} rows={bins.map((b) => [b.label, String(b.count)])} />
    </figure>
  );
}

function DataTable({ title, head, rows }: { title: string; head: [string, string]; rows: string[][] }) {
  if (rows.length === 0) return null;
  return (
    <details className="ev-chart-table">
      <summary>Table: {title}</summary>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{head[0] || 'Name'}</th>
            <th scope="col">{head[1]}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>{r[0]}</td>
              <td>{r[1]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
