/**
 * Reports (owners and managers): what the book did over a range of local service dates — key figures, then each
 * report as a chart or a table, with the previous period of the same length beside it on request, and each table as
 * CSV. The range lives in the address (?from=&to=&compare=1), so a view can be bookmarked and shared.
 */
import { useEffect, useState } from 'react';
import { api, qs, rpath } from '../../api';
import { DataTable } from '../../components/Table';
import { ErrorBox, Loading, useLoad } from '../../components/ui';
import { useRestaurant } from '../../context';
import { formatLocalDate, plural, todayIn } from '../../format';
import type { Reports } from '../../types';
import { RangePicker } from './RangePicker';
import { presetRange, previousPeriod, rangeDays, rangeErrors, type DateRange } from './range';
import { ReportSection } from './ReportSection';
import { change, keyFigures, REPORTS, showValue } from './sections';

function fromAddress(today: string): { range: DateRange; compare: boolean } {
  const params = new URLSearchParams(window.location.search);
  const range = { from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const ok = Object.keys(rangeErrors(range)).length === 0;
  return { range: ok ? range : presetRange('last30', today), compare: params.get('compare') === '1' };
}

export function ReportsPage() {
  const { restaurant } = useRestaurant();
  if (!restaurant) return <Loading what="Opening the reports" />;
  return <ReportsView timezone={restaurant.timezone} />;
}

function ReportsView({ timezone }: { timezone: string }) {
  const { slug } = useRestaurant();
  const today = todayIn(timezone);
  const [initial] = useState(() => fromAddress(today));
  const [range, setRange] = useState<DateRange>(initial.range);
  const [compare, setCompare] = useState(initial.compare);
  const previous = previousPeriod(range);

  useEffect(() => {
    const search = qs({ from: range.from, to: range.to, compare: compare ? 1 : undefined });
    window.history.replaceState(null, '', window.location.pathname + search);
  }, [range, compare]);

  const data = useLoad(
    () =>
      Promise.all([
        api.get<Reports>(rpath(slug, `/reports${qs({ from: range.from, to: range.to })}`)),
        compare ? api.get<Reports>(rpath(slug, `/reports${qs({ from: previous.from, to: previous.to })}`)) : Promise.resolve(null),
      ]),
    [slug, range.from, range.to, compare],
  );
  const [current, before] = data.data ?? [];
  const shown = !data.loading && current && current.from === range.from && current.to === range.to ? current : undefined;

  return (
    <section aria-labelledby="reports-title" className="reports">
      <div className="page-head">
        <h1 id="reports-title">Reports</h1>
      </div>
      <p className="lead">
        What the book did over a range of service dates, in the restaurant&rsquo;s time zone ({timezone}). Cancelled bookings count only in the
        status mix.
      </p>
      <RangePicker today={today} range={range} onChange={setRange} compare={compare} onCompare={setCompare} />
      <p className="range-line" aria-live="polite">
        {formatLocalDate(range.from)} – {formatLocalDate(range.to)} ({plural(rangeDays(range), 'day')})
        {compare && (
          <>
            , compared with {formatLocalDate(previous.from)} – {formatLocalDate(previous.to)}
          </>
        )}
      </p>
      <ErrorBox error={data.error} title="The reports could not be loaded." />
      {data.loading && <Loading what="Computing the reports" />}
      {shown && !data.error && (
        <>
          {shown.daily.rows.length === 0 && shown.statusMix.rows.every((r) => r.bookings === 0) && (
            <p className="empty" role="status">
              No bookings between {formatLocalDate(range.from)} and {formatLocalDate(range.to)}.
            </p>
          )}
          <KeyFigures data={shown} previous={compare ? (before ?? null) : null} />
          {REPORTS.map((def) => (
            <ReportSection key={def.key} def={def} slug={slug} data={shown} previous={compare ? (before ?? null) : null} />
          ))}
        </>
      )}
    </section>
  );
}

function KeyFigures({ data, previous }: { data: Reports; previous: Reports | null }) {
  const now = keyFigures(data);
  const then = previous ? keyFigures(previous) : null;
  return (
    <section aria-labelledby="key-figures-title" className="report card">
      <h2 id="key-figures-title">Key figures</h2>
      <DataTable
        caption={`Key figures, ${data.from} to ${data.to}${previous ? `, compared with ${previous.from} to ${previous.to}` : ''}`}
        columns={previous ? ['Figure', 'This period', 'Previous period', 'Change'] : ['Figure', 'This period']}
        className="report-table key-figures"
      >
        {now.map((f, i) => (
          <tr key={f.label}>
            <th scope="row">{f.label}</th>
            <td>{showValue(f.value, f.kind)}</td>
            {then && (
              <>
                <td>{showValue(then[i].value, f.kind)}</td>
                <td>{change(f.value, then[i].value, f.kind)}</td>
              </>
            )}
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
