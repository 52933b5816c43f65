/**
 * Requests per day by status class as stacked bars, drawn as inline SVG (no chart library). The same numbers are in a
 * table for screen readers and keyboard users (visually hidden; each bar also has a <title> tooltip).
 */
import type { KeyUsage } from '../types';

const CLASSES = [
  { key: 's2xx', label: '2xx success', cls: 'bar-2xx' },
  { key: 's3xx', label: '3xx redirect', cls: 'bar-3xx' },
  { key: 's4xx', label: '4xx client error', cls: 'bar-4xx' },
  { key: 's5xx', label: '5xx server error', cls: 'bar-5xx' },
] as const;

export function UsageChart({ daily }: { daily: KeyUsage['daily'] }) {
  const width = 720;
  const height = 220;
  const pad = { top: 12, right: 12, bottom: 28, left: 44 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const totals = daily.map((d) => d.s2xx + d.s3xx + d.s4xx + d.s5xx);
  const max = Math.max(1, ...totals);
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const slot = plotW / Math.max(1, daily.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (v: number) => pad.top + plotH - (v / top) * plotH;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  const sum = totals.reduce((a, b) => a + b, 0);

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Requests per day over ${daily.length} days: ${sum} in total`}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={pad.left} x2={width - pad.right} y1={y(v)} y2={y(v)} className="grid-line" />
            <text x={pad.left - 6} y={y(v) + 4} textAnchor="end" className="axis-label">
              {v}
            </text>
          </g>
        ))}
        {daily.map((d, i) => {
          const x = pad.left + i * slot + (slot - barW) / 2;
          let acc = 0;
          return (
            <g key={d.date}>
              <title>{`${d.date}: ${totals[i]} requests (2xx ${d.s2xx}, 3xx ${d.s3xx}, 4xx ${d.s4xx}, 5xx ${d.s5xx})`}</title>
              {CLASSES.map((c) => {
                const v = d[c.key];
                if (!v) return null;
                const y1 = y(acc + v);
                const h = y(acc) - y1;
                acc += v;
                return <rect key={c.key} x={x} y={y1} width={barW} height={Math.max(h, 0.5)} className={c.cls} />;
              })}
              {(i % 5 === 0 || i === daily.length - 1) && (
                <text x={x + barW / 2} y={height - 8} textAnchor="middle" className="axis-label">
                  {d.date.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {CLASSES.map((c) => (
          <span key={c.key}>
            <svg width="12" height="12" aria-hidden="true">
              <rect width="12" height="12" className={c.cls} />
            </svg>{' '}
            {c.label}
          </span>
        ))}
      </figcaption>
      <div className="sr-only">
      <table>
        <caption>Requests per day by status class</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {CLASSES.map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {daily.map((d) => (
            <tr key={d.date}>
              <th scope="row">{d.date}</th>
              {CLASSES.map((c) => (
                <td key={c.key}>{d[c.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </figure>
  );
}

function niceStep(max: number): number {
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const n = raw / pow;
  const nice = n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10;
  return Math.max(1, nice * pow);
}
