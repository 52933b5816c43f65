/**
 * Tonight: the day's bookings as a floor timeline (tables as rows, time as columns) or as a searchable list; seat,
 * complete, no-show or cancel from a booking; add a phone booking or a walk-in through the same booking path.
 */
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, qs, rpath } from '../api';
import { Dialog } from '../components/Dialog';
import { useNotify } from '../components/Notify';
import { Badge, ErrorBox, Loading, useLoad } from '../components/ui';
import { useRestaurant } from '../context';
import { addDays, formatDateTime, formatLocalDate, hhmm, minutesOf, plural, timeIn, todayIn } from '../format';
import { Link } from '../router';
import type { Availability, Floor, Hours, NewReservation, Reservation, ReservationPage, ReservationStatus } from '../types';
import { axisFor, rowsFor, STATUS_LABEL, type Axis } from './tonight-model';

const STATUS_TONE: Record<ReservationStatus, 'blue' | 'green' | 'grey' | 'red' | 'amber'> = {
  confirmed: 'blue',
  seated: 'green',
  completed: 'grey',
  cancelled: 'red',
  no_show: 'amber',
};

async function allReservations(slug: string, date: string): Promise<Reservation[]> {
  const out: Reservation[] = [];
  let cursor: string | null = null;
  do {
    const page: ReservationPage = await api.get<ReservationPage>(rpath(slug, `/reservations${qs({ date, limit: 100, cursor })}`));
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor && out.length < 2000);
  return out;
}

export function TonightPage() {
  const { slug, restaurant } = useRestaurant();
  const timezone = restaurant?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const today = todayIn(timezone);
  const [date, setDate] = useState(today);
  const [view, setView] = useState<'day' | 'list'>('day');
  const [open, setOpen] = useState<Reservation | null>(null);
  const [booking, setBooking] = useState<'phone' | 'walkin' | null>(null);
  const floor = useLoad(() => api.get<Floor>(rpath(slug, '/floor')), [slug]);
  const day = useLoad(
    () => Promise.all([allReservations(slug, date), api.get<Hours>(rpath(slug, `/hours${qs({ from: date, to: date })}`))]),
    [slug, date],
  );
  const [reservations, hours] = day.data ?? [[], undefined];
  const hoursDay = hours?.days[0];

  const covers = reservations.filter((r) => r.status !== 'cancelled' && r.status !== 'no_show').reduce((n, r) => n + r.partySize, 0);
  const changed = (r: Reservation) => {
    day.setData((d) => (d ? [d[0].map((x) => (x.id === r.id ? r : x)), d[1]] : d));
    setOpen(r);
  };

  return (
    <section aria-labelledby="tonight-title">
      <div className="page-head">
        <h1 id="tonight-title">{date === today ? 'Tonight' : formatLocalDate(date)}</h1>
        <div className="toolbar">
          <button type="button" className="primary" onClick={() => setBooking('phone')}>
            New booking
          </button>
          <button type="button" onClick={() => setBooking('walkin')} disabled={date !== today}>
            Walk-in
          </button>
        </div>
      </div>
      <div className="toolbar day-controls">
        <button type="button" onClick={() => setDate(addDays(date, -1))} aria-label="Previous day">
          ←
        </button>
        <label className="inline-field">
          <span>Date</span>
          <input type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
        </label>
        <button type="button" onClick={() => setDate(addDays(date, 1))} aria-label="Next day">
          →
        </button>
        {date !== today && (
          <button type="button" onClick={() => setDate(today)}>
            Today
          </button>
        )}
        <div className="segmented" role="group" aria-label="View">
          <button type="button" aria-pressed={view === 'day'} onClick={() => setView('day')}>
            Day view
          </button>
          <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
            List
          </button>
        </div>
        <button type="button" onClick={day.reload}>
          Refresh
        </button>
      </div>
      {/* data-date: the day these counts (and the grid and list below) answer; the previous day's stay on screen while
          another loads. */}
      <p className="muted" aria-live="polite" data-date={hoursDay?.date}>
        {hoursDay?.closed
          ? `Closed${hoursDay.closureReason ? `: ${hoursDay.closureReason}` : ''}.`
          : `${plural(reservations.filter((r) => r.status !== 'cancelled').length, 'booking')} · ${plural(covers, 'cover')}`}
        {hoursDay?.services.length ? ` · ${hoursDay.services.map((s) => `${s.name} ${s.start}–${s.end}`).join(', ')}` : ''}
        {hoursDay?.events.length ? ` · Event: ${hoursDay.events.map((e) => e.name).join(', ')}` : ''}
      </p>
      <ErrorBox error={floor.error ?? day.error} />
      {(floor.loading && !floor.data) || (day.loading && !day.data) ? <Loading what="Loading the day" /> : null}
      {floor.data && day.data && view === 'day' && (
        <DayGrid floor={floor.data} reservations={reservations} hours={hoursDay} timezone={timezone} isToday={date === today} onOpen={setOpen} />
      )}
      {day.data && view === 'list' && <ListView reservations={reservations} onOpen={setOpen} />}
      <ReservationDialog reservation={open} onClose={() => setOpen(null)} onChanged={changed} />
      <BookingDialog
        mode={booking}
        date={date}
        timezone={timezone}
        floor={floor.data}
        onClose={() => setBooking(null)}
        onBooked={(r) => {
          setBooking(null);
          if (r.date !== date) setDate(r.date);
          else day.reload();
        }}
      />
    </section>
  );
}

function DayGrid(props: {
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
                    aria-label={`${r.time}, ${r.partySize} ${r.partySize === 1 ? 'guest' : 'guests'}, ${name}, ${STATUS_LABEL[r.status]}${
                      r.tables.length > 1 ? `, tables ${r.tables.join('+')}` : ''
                    }`}
                    title={`${r.time} · ${r.partySize}p · ${name} · ${STATUS_LABEL[r.status]}`}
                  >
                    <span className="tl-party">{r.partySize}</span>
                    <span className="tl-name">{name}</span>
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

function ListView({ reservations, onOpen }: { reservations: Reservation[]; onOpen: (r: Reservation) => void }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState('');
  const q = query.trim().toLowerCase();
  const digits = q.replace(/\D/g, '');
  const shown = reservations
    .filter((r) => !status || r.status === status)
    .filter((r) => {
      if (!q) return true;
      const c = r.customer;
      return (
        r.reference.toLowerCase().includes(q) ||
        (c?.name ?? '').toLowerCase().includes(q) ||
        (c?.email ?? '').toLowerCase().includes(q) ||
        (digits.length >= 3 && (c?.phone ?? '').replace(/\D/g, '').includes(digits))
      );
    })
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  return (
    <div>
      <div className="toolbar">
        <label className="inline-field">
          <span>Search</span>
          <input type="search" id={`${id}-q`} value={query} placeholder="Name, phone, email or reference" onChange={(e) => setQuery(e.target.value)} />
        </label>
        <label className="inline-field">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any</option>
            {Object.entries(STATUS_LABEL).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" aria-live="polite">
          {shown.length} of {reservations.length}
        </span>
      </div>
      {shown.length === 0 ? (
        <p className="empty">No booking matches.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="sr-only">Bookings of the day</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Guest</th>
                <th scope="col">Party</th>
                <th scope="col">Table</th>
                <th scope="col">Status</th>
                <th scope="col">Reference</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id}>
                  <td>{r.time}</td>
                  <th scope="row">
                    <button type="button" className="link-button" onClick={() => onOpen(r)}>
                      {r.customer?.name ?? 'Guest'}
                    </button>
                    {r.customer?.phone && <div className="muted small">{r.customer.phone}</div>}
                  </th>
                  <td>{r.partySize}</td>
                  <td>{r.tables.join('+') || '—'}</td>
                  <td>
                    <Badge tone={STATUS_TONE[r.status]}>{STATUS_LABEL[r.status]}</Badge>
                  </td>
                  <td className="mono">{r.reference}</td>
                  <td>{r.source.replace('_', '-')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ReservationDialog(props: { reservation: Reservation | null; onClose: () => void; onChanged: (r: Reservation) => void }) {
  const { slug } = useRestaurant();
  const notify = useNotify();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const r = props.reservation;
  useEffect(() => {
    setError(null);
    setCancelling(false);
    setReason('');
  }, [r?.id]);

  const run = async (what: () => Promise<Reservation>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      const updated = await what();
      notify(done);
      setCancelling(false);
      props.onChanged(updated);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const setStatus = (status: ReservationStatus, done: string) =>
    run(() => api.patch<Reservation>(rpath(slug, `/reservations/${r!.id}`), { status }), done);
  const cancel = (e: FormEvent) => {
    e.preventDefault();
    void run(
      () => api.post<Reservation>(rpath(slug, `/reservations/${r!.id}/cancel`), reason.trim() ? { reason: reason.trim() } : {}),
      'Booking cancelled.',
    );
  };
  const name = r?.customer?.name ?? 'Guest';

  return (
    <Dialog open={r !== null} title={r ? `${name} · ${r.time} · ${r.partySize} ${r.partySize === 1 ? 'guest' : 'guests'}` : ''} onClose={props.onClose}>
      {r && (
        <>
          <dl className="facts compact">
            <div>
              <dt>Status</dt>
              <dd>
                <Badge tone={STATUS_TONE[r.status]}>{STATUS_LABEL[r.status]}</Badge>
              </dd>
            </div>
            <div>
              <dt>Reference</dt>
              <dd className="mono">{r.reference}</dd>
            </div>
            <div>
              <dt>Date</dt>
              <dd>
                {formatLocalDate(r.date)} at {r.time}
              </dd>
            </div>
            <div>
              <dt>Table</dt>
              <dd>{r.tables.join(' + ') || (r.eventId ? 'Event seating' : '—')}</dd>
            </div>
            <div>
              <dt>Phone</dt>
              <dd>{r.customer?.phone ?? '—'}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{r.customer?.email ?? '—'}</dd>
            </div>
            <div>
              <dt>Source</dt>
              <dd>{r.source.replace('_', '-')}</dd>
            </div>
            <div>
              <dt>Booked</dt>
              <dd>{formatDateTime(r.createdAt)}</dd>
            </div>
            {r.notes && (
              <div className="wide">
                <dt>Notes</dt>
                <dd>{r.notes}</dd>
              </div>
            )}
            {r.cancellationReason && (
              <div className="wide">
                <dt>Cancellation reason</dt>
                <dd>{r.cancellationReason}</dd>
              </div>
            )}
          </dl>
          {r.customer && (
            <p>
              <Link to={`r/${slug}/guests/${r.customer.id}`} onClick={props.onClose}>
                Guest profile and history
              </Link>
            </p>
          )}
          <ErrorBox error={error} />
          {cancelling ? (
            <form className="form" onSubmit={cancel}>
              <div className="field">
                <label htmlFor={`${id}-reason`}>Reason (optional)</label>
                <input id={`${id}-reason`} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} data-autofocus />
              </div>
              <div className="actions">
                <button type="button" onClick={() => setCancelling(false)}>
                  Keep the booking
                </button>
                <button type="submit" className="danger" disabled={busy}>
                  Cancel the booking
                </button>
              </div>
            </form>
          ) : (
            <div className="actions">
              {r.status === 'confirmed' && (
                <>
                  <button type="button" className="primary" disabled={busy} onClick={() => setStatus('seated', `${name} seated.`)}>
                    Seat
                  </button>
                  <button type="button" disabled={busy} onClick={() => setStatus('no_show', `${name} marked as no-show.`)}>
                    No-show
                  </button>
                  <button type="button" className="danger-text" disabled={busy} onClick={() => setCancelling(true)}>
                    Cancel…
                  </button>
                </>
              )}
              {r.status === 'seated' && (
                <button type="button" className="primary" disabled={busy} onClick={() => setStatus('completed', `${name}'s table completed.`)}>
                  Complete
                </button>
              )}
              <button type="button" onClick={props.onClose}>
                Close
              </button>
            </div>
          )}
        </>
      )}
    </Dialog>
  );
}

function BookingDialog(props: {
  mode: 'phone' | 'walkin' | null;
  date: string;
  timezone: string;
  floor: Floor | undefined;
  onClose: () => void;
  onBooked: (r: Reservation) => void;
}) {
  const { slug } = useRestaurant();
  const notify = useNotify();
  const id = useId();
  const walkIn = props.mode === 'walkin';
  const [date, setDate] = useState(props.date);
  const [partySize, setPartySize] = useState('2');
  const [time, setTime] = useState('');
  const [area, setArea] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [touched, setTouched] = useState(false);

  // Each opening starts on the page's day with a clean form. Adjusted while rendering (not in an effect), so the dialog
  // never shows, nor asks availability for, the day it had the last time.
  const opening = props.mode ? `${props.mode}|${props.date}` : null;
  const [openedFor, setOpenedFor] = useState<string | null>(null);
  if (opening !== openedFor) {
    setOpenedFor(opening);
    if (props.mode) {
      setDate(props.date);
      setTime('');
      setError(null);
      setTouched(false);
    }
  }

  const size = Number(partySize);
  const sizeOk = Number.isInteger(size) && size >= 1 && size <= 1000;
  const slots = useLoad(
    () =>
      props.mode === 'phone' && sizeOk
        ? api.get<Availability>(rpath(slug, `/availability${qs({ date, partySize: size, area: area || undefined })}`))
        : Promise.resolve(undefined),
    [slug, date, size, area, props.mode],
  );
  const available = slots.data?.slots.filter((s) => s.available) ?? [];

  const nameError = name.trim() ? null : 'Enter the guest’s name.';
  const sizeError = sizeOk ? null : 'Enter a party size.';
  const timeError = !walkIn && !time ? 'Choose a time.' : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (nameError || sizeError || timeError) return;
    setBusy(true);
    setError(null);
    // A walk-in takes the slot under way now: the server picks it (date and time are left out).
    const body = {
      ...(walkIn ? { walkIn: true } : { date, time }),
      partySize: size,
      customer: { name: name.trim(), ...(phone.trim() ? { phone: phone.trim() } : {}), ...(email.trim() ? { email: email.trim() } : {}) },
      ...(area ? { area } : {}),
      ...(notes.trim() ? { notes: notes.trim() } : {}),
    } satisfies NewReservation;
    try {
      const r = await api.post<Reservation>(rpath(slug, '/reservations'), body);
      notify(walkIn ? `Walk-in for ${r.customer?.name ?? name} seated at ${r.tables.join('+') || 'a table'}.` : `Booked ${r.customer?.name ?? name} at ${r.time} (${r.reference}).`);
      setName('');
      setPhone('');
      setEmail('');
      setNotes('');
      setTime('');
      props.onBooked(r);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && (err.code === 'no_tables_available' || err.code === 'slot_limit_reached')) slots.reload();
    } finally {
      setBusy(false);
    }
  };

  const err = (msg: string | null, suffix: string) =>
    touched && msg ? (
      <p className="field-error" id={`${id}-${suffix}-err`}>
        {msg}
      </p>
    ) : null;

  return (
    <Dialog open={props.mode !== null} title={walkIn ? 'Seat a walk-in' : 'New phone booking'} onClose={props.onClose} wide>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-size`}>Party size</label>
            <input
              id={`${id}-size`}
              type="number"
              inputMode="numeric"
              min={1}
              max={1000}
              value={partySize}
              onChange={(e) => setPartySize(e.target.value)}
              aria-invalid={touched && !!sizeError}
            />
            {err(sizeError, 'size')}
          </div>
          {!walkIn && (
            <div className="field">
              <label htmlFor={`${id}-date`}>Date</label>
              <input id={`${id}-date`} type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
            </div>
          )}
          {props.floor && props.floor.areas.length > 1 && (
            <div className="field">
              <label htmlFor={`${id}-area`}>Area</label>
              <select id={`${id}-area`} value={area} onChange={(e) => setArea(e.target.value)}>
                <option value="">Any</option>
                {props.floor.areas.map((a) => (
                  <option key={a.key} value={a.key}>
                    {a.name}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
        {!walkIn && (
          <div className="field">
            <label htmlFor={`${id}-time`}>Time</label>
            <select
              id={`${id}-time`}
              value={time}
              onChange={(e) => setTime(e.target.value)}
              aria-invalid={touched && !!timeError}
              aria-describedby={`${id}-time-help`}
            >
              <option value="">{slots.loading ? 'Loading free times…' : available.length ? 'Choose a time' : 'No free time'}</option>
              {available.map((s) => (
                <option key={`${s.service}-${s.time}`} value={s.time}>
                  {s.time}
                </option>
              ))}
            </select>
            <p className="help" id={`${id}-time-help`}>
              {slots.data?.closed
                ? 'The restaurant is closed that day.'
                : slots.data
                  ? `${available.length} free time${available.length === 1 ? '' : 's'} for ${size} on ${formatLocalDate(date)}.`
                  : ''}
            </p>
            {err(timeError, 'time')}
            <ErrorBox error={slots.error} />
          </div>
        )}
        {walkIn && <p className="help">The guests are seated now, at a free table that fits them.</p>}
        <div className="field">
          <label htmlFor={`${id}-name`}>Guest name</label>
          <input id={`${id}-name`} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} aria-invalid={touched && !!nameError} />
          {err(nameError, 'name')}
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-phone`}>Phone (with country code)</label>
            <input id={`${id}-phone`} type="tel" value={phone} placeholder="+33 6 12 34 56 78" onChange={(e) => setPhone(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-email`}>Email</label>
            <input id={`${id}-email`} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-notes`}>Notes</label>
          <textarea id={`${id}-notes`} rows={2} value={notes} maxLength={2000} onChange={(e) => setNotes(e.target.value)} />
        </div>
        <ErrorBox error={error} title="Not booked." />
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Booking…' : walkIn ? 'Seat walk-in' : 'Book'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
