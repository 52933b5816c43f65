/** Book by phone or seat a walk-in: date, time from the live availability, party, table, guest. */
import { type FormEvent, useId, useState } from 'react';
import { api, ApiError, qs, rpath } from '../../api';
import { Dialog } from '../../components/Dialog';
import { useNotify } from '../../components/Notify';
import { Field, FormActions } from '../../components/Field';
import { ErrorBox, useLoad } from '../../components/ui';
import { useAction } from '../../components/useAction';
import { useRestaurant } from '../../context';
import { formatLocalDate } from '../../format';
import type { Availability, Floor, NewReservation, Reservation } from '../../types';

export function BookingDialog(props: {
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
  const action = useAction();
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
      action.setError(null);
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

  const shown = (msg: string | null) => (touched ? msg : null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (nameError || sizeError || timeError) return;
    // A walk-in takes the slot under way now: the server picks it (date and time are left out).
    const body = {
      ...(walkIn ? { walkIn: true } : { date, time }),
      partySize: size,
      customer: { name: name.trim(), ...(phone.trim() ? { phone: phone.trim() } : {}), ...(email.trim() ? { email: email.trim() } : {}) },
      ...(area ? { area } : {}),
      ...(notes.trim() ? { notes: notes.trim() } : {}),
    } satisfies NewReservation;
    void action.run(async () => {
      let r: Reservation;
      try {
        r = await api.post<Reservation>(rpath(slug, '/reservations'), body);
      } catch (err) {
        if (err instanceof ApiError && (err.code === 'no_tables_available' || err.code === 'slot_limit_reached')) slots.reload();
        throw err;
      }
      notify(walkIn ? `Walk-in for ${r.customer?.name ?? name} seated at ${r.tables.join('+') || 'a table'}.` : `Booked ${r.customer?.name ?? name} at ${r.time} (${r.reference}).`);
      setName('');
      setPhone('');
      setEmail('');
      setNotes('');
      setTime('');
      props.onBooked(r);
    });
  };

  return (
    <Dialog open={props.mode !== null} title={walkIn ? 'Seat a walk-in' : 'New phone booking'} onClose={props.onClose} wide>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field-row">
          <Field id={`${id}-size`} label="Party size" error={shown(sizeError)}>
            {(a11y) => (
              <input {...a11y} type="number" inputMode="numeric" min={1} max={1000} value={partySize} onChange={(e) => setPartySize(e.target.value)} />
            )}
          </Field>
          {!walkIn && (
            <Field id={`${id}-date`} label="Date">
              {({ id: inputId }) => <input id={inputId} type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />}
            </Field>
          )}
          {props.floor && props.floor.areas.length > 1 && (
            <Field id={`${id}-area`} label="Area">
              {({ id: inputId }) => (
                <select id={inputId} value={area} onChange={(e) => setArea(e.target.value)}>
                  <option value="">Any</option>
                  {props.floor!.areas.map((a) => (
                    <option key={a.key} value={a.key}>
                      {a.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </div>
        {!walkIn && (
          <Field
            id={`${id}-time`}
            label="Time"
            error={shown(timeError)}
            help={
              slots.data?.closed
                ? 'The restaurant is closed that day.'
                : slots.data
                  ? `${available.length} free time${available.length === 1 ? '' : 's'} for ${size} on ${formatLocalDate(date)}.`
                  : ''
            }
          >
            {(a11y) => (
              <select {...a11y} value={time} onChange={(e) => setTime(e.target.value)}>
                <option value="">{slots.loading ? 'Loading free times…' : available.length ? 'Choose a time' : 'No free time'}</option>
                {available.map((s) => (
                  <option key={`${s.service}-${s.time}`} value={s.time}>
                    {s.time}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {!walkIn && <ErrorBox error={slots.error} />}
        {walkIn && <p className="help">The guests are seated now, at a free table that fits them.</p>}
        <Field id={`${id}-name`} label="Guest name" error={shown(nameError)}>
          {(a11y) => <input {...a11y} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <div className="field-row">
          <Field id={`${id}-phone`} label="Phone (national or +country code)">
            {({ id: inputId }) => <input id={inputId} type="tel" value={phone} placeholder="+33 6 12 34 56 78" onChange={(e) => setPhone(e.target.value)} />}
          </Field>
          <Field id={`${id}-email`} label="Email">
            {({ id: inputId }) => <input id={inputId} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
        </div>
        <Field id={`${id}-notes`} label="Notes">
          {({ id: inputId }) => <textarea id={inputId} rows={2} value={notes} maxLength={2000} onChange={(e) => setNotes(e.target.value)} />}
        </Field>
        <ErrorBox error={action.error} title="Not booked." />
        <FormActions submitLabel={walkIn ? 'Seat walk-in' : 'Book'} busyLabel="Booking…" busy={action.busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
