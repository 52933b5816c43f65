/** The day view's timeline: one row per table, reservation blocks placed on the time axis (tonight-model.ts). */
import { useMemo } from 'react';
import { useRestaurant } from '../../context';
import { hhmm, minutesOf, timeIn } from '../../format';
import type { Floor, Hours, Reservation } from '../../types';
import { type Axis, axisFor, rowsFor, STATUS_LABEL } from './tonight-model';

export function DayGrid(props: {
  floor: Floor;
  reservations: Reservation[];
  hours: Hours['days'][number] | undefined;
  timezone: string;
  isToday: boolean;
  onOpen: (r: Reservation) => void;
}) {
  const { restaurant } = useRestaurant();
  const step = Math.min(30, restaurant?.policy.slotIntervalMinutes ?? 15);
  const axis: Axis = useMemo(() => axisFor(props.hours, props.reservations, step), [props.hours, props.reservations, step]);
  const rows = useMemo(() => rowsFor(props.floor.tables, props.reservations, axis), [props.floor.tables, props.reservations, axis]);
  const columns = (axis.end - axis.start) / axis.step;
  const areaName = new Map(props.floor.areas.map((a) => [a.key, a.name]));
  const hoursMarks: number[] = [];
  for (let m = axis.start; m < axis.end; m += 60) hoursMarks.push(m);
  const nowMinutes = props.isToday ? minutesOf(timeIn(props.timezone, Date.now())) : null;
  const nowCol = nowMinutes !== null && nowMinutes >= axis.start && nowMinutes < axis.end ? (nowMinutes - axis.start) / axis.step : null;
  const template = { gridTemplateColumns: `var(--row-head) repeat(${columns}, minmax(var(--col), 1fr))` };
  let lastArea: string | null | undefined;

  if (rows.length === 0) return <p className="empty">No tables in the floor plan yet (Settings → configuration file).</p>;
  return (
    <div className="timeline-wrap" role="region" aria-label="Day view: tables and bookings over time" tabIndex={0}>
      <div className="timeline" style={template}>
        <div className="tl-corner" aria-hidden="true">
          Table
        </div>
        {hoursMarks.map((m) => (
          <div
            key={m}
            className="tl-hour"
            aria-hidden="true"
            style={{ gridColumn: `${(m - axis.start) / axis.step + 2} / span ${Math.min(60 / axis.step, (axis.end - m) / axis.step)}` }}
          >
            {hhmm(m)}
          </div>
        ))}
        {rows.map((row, i) => {
          const showArea = row.area !== lastArea;
          lastArea = row.area;
          const gridRow = i + 2;
          return (
            <div key={row.key} className="tl-row" role="group" aria-label={`Table ${row.label}`}>
              <div className={showArea ? 'tl-head area-start' : 'tl-head'} style={{ gridRow, gridColumn: 1 }}>
                <strong>{row.label}</strong> <span className="muted small">{row.detail}</span>
                {showArea && row.area && <span className="area-name small">{areaName.get(row.area) ?? row.area}</span>}
              </div>
              <div className={i % 2 ? 'tl-lane odd' : 'tl-lane'} style={{ gridRow, gridColumn: `2 / span ${columns}` }} aria-hidden="true" />
              {row.blocks.map((b) => {
                const r = b.reservation;
                const name = r.customer?.name ?? 'Guest';
                return (
                  <button
                    key={r.id}
                    type="button"
                    className={`tl-block status-${r.status}`}
                    style={{ gridRow, gridColumn: `${b.colStart + 1} / ${b.colEnd + 1}` }}
                    onClick={() => props.onOpen(r)}
                    title={`${r.time} · ${r.partySize}p · ${name} · ${STATUS_LABEL[r.status]}`}
                  >
                    {/* The name is the content itself (WCAG 2.5.3: the visible "3" and "Ada Lovelace" are inside it); the rest
                        is for screen readers only: "19:30, 3 guests, Ada Lovelace (Confirmed, tables 4+5)". */}
                    <span className="sr-only">{r.time},</span>
                    <span className="tl-party">{r.partySize}</span>
                    <span className="sr-only">{r.partySize === 1 ? 'guest' : 'guests'},</span>
                    <span className="tl-name">{name}</span>
                    <span className="sr-only">
                      ({STATUS_LABEL[r.status]}
                      {r.tables.length > 1 ? `, tables ${r.tables.join('+')}` : ''})
                    </span>
                  </button>
                );
              })}
            </div>
          );
        })}
        {nowCol !== null && (
          <div className="tl-now" aria-hidden="true" style={{ gridRow: `1 / ${rows.length + 2}`, gridColumn: `${Math.floor(nowCol) + 2}` }} />
        )}
      </div>
      <ul className="legend" aria-label="Status colours">
        {(['confirmed', 'seated', 'completed', 'no_show'] as const).map((s) => (
          <li key={s}>
            <span className={`swatch status-${s}`} aria-hidden="true" /> {STATUS_LABEL[s]}
          </li>
        ))}
      </ul>
    </div>
  );
}
