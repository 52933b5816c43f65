/**
 * Tonight: the day's bookings as a floor timeline (tables as rows, time as columns) or as a searchable list; seat,
 * complete, no-show or cancel from a booking; add a phone booking or a walk-in through the same booking path.
 */
import { useState } from 'react';
import { api, qs, rpath } from '../../api';
import { ErrorBox, Loading, useLoad } from '../../components/ui';
import { useRestaurant } from '../../context';
import { addDays, formatLocalDate, plural, todayIn } from '../../format';
import type { Floor, Hours, Reservation, ReservationPage } from '../../types';
import { BookingDialog } from './BookingDialog';
import { DayGrid } from './DayGrid';
import { ListView } from './ListView';
import { ReservationDialog } from './ReservationDialog';

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
  const { restaurant } = useRestaurant();
  // Which day is tonight is the restaurant's to say, not the browser's: until its time zone is known, no day is shown
  // (a day taken from the browser's zone would stay picked once the restaurant's arrives, near midnight a wrong one).
  if (!restaurant) return <Loading what="Opening tonight’s book" />;
  return <TonightView timezone={restaurant.timezone} />;
}

function TonightView({ timezone }: { timezone: string }) {
  const { slug } = useRestaurant();
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
