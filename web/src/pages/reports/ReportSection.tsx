/**
 * One report: its heading and meaning, a Chart/Table switch, the CSV download of its rows (the server's RFC 4180 CSV
 * with a byte-order mark), and either the chart (with its text alternative under it) or the table — with, when the
 * page compares, the previous period's figure and the change beside each row.
 */
import { useId, useState } from 'react';
import { qs, rpath } from '../../api';
import { DataTable } from '../../components/Table';
import type { Reports } from '../../types';
import { change, showValue, type ReportDef } from './sections';

export function ReportSection(props: { def: ReportDef; slug: string; data: Reports; previous: Reports | null }) {
  const { def, data, previous } = props;
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const id = useId();
  const summary = def.summary(data);
  const csv = rpath(props.slug, `/reports/${def.path}${qs({ from: data.from, to: data.to, format: 'csv' })}`);
  const compare = previous && def.compare ? def.compare : null;
  const before = compare && previous ? new Map(def.rows(previous).map((row) => [row.key, row.measure])) : null;
  const columns = compare ? [...def.columns, `Previous ${compare.label}`, 'Change'] : def.columns;
  return (
    <section className="report card" aria-labelledby={`${id}-title`} data-report={def.key}>
      <div className="page-head">
        <h2 id={`${id}-title`}>{def.title}</h2>
        <div className="toolbar">
          <div className="segmented" role="group" aria-label={`View of ${def.title}`}>
            <button type="button" aria-pressed={view === 'chart'} onClick={() => setView('chart')}>
              Chart
            </button>
            <button type="button" aria-pressed={view === 'table'} onClick={() => setView('table')}>
              Table
            </button>
          </div>
          <a className="button-link" href={csv} download>
            Download CSV<span className="sr-only"> of {def.title}</span>
          </a>
        </div>
      </div>
      <p className="help">{def.about}</p>
      {def.key === 'waitlist' && (
        <p>
          Conversion: <strong>{showValue(data.waitlist.conversionRate, 'percent')}</strong>
          {previous && <> (previous period {showValue(previous.waitlist.conversionRate, 'percent')})</>}
        </p>
      )}
      {def.key === 'daily' && previous && <p className="help">Dates differ between periods: the key figures above compare the totals.</p>}
      {view === 'chart' ? (
        def.empty(data) ? (
          <p className="empty">Nothing to chart: no {def.key === 'waitlist' ? 'waitlist entries' : 'bookings'} in this range.</p>
        ) : (
          <figure className="chart" aria-labelledby={`${id}-alt`}>
            {def.chart(data, compare ? previous : null, summary)}
            <figcaption id={`${id}-alt`} className="chart-alt">
              {summary}
            </figcaption>
          </figure>
        )
      ) : def.key === 'daily' && data.daily.rows.length === 0 ? (
        <p className="empty">No bookings in this range.</p>
      ) : (
        <DataTable caption={`${def.title}, ${data.from} to ${data.to}`} columns={columns} className="report-table">
          {def.rows(data).map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.cells[0]}</th>
              {row.cells.slice(1).map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
              {compare && before && (
                <>
                  <td>{showValue(before.get(row.key) ?? 0, compare.kind)}</td>
                  <td>{change(row.measure, before.get(row.key) ?? 0, compare.kind)}</td>
                </>
              )}
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
