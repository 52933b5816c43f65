/**
 * Settings: the restaurant configuration file (API.md §8) edited through forms — profile, booking policy, closures,
 * special hours — each saved with PUT /config; the floor plan and services shown; import (with the importer's own
 * errors) and export of the whole file. Staff see it read-only.
 */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, downloadJson, rpath, type IssueDetail } from '../api';
import { useNotify } from '../components/Notify';
import { ErrorBox, Loading, useLoad } from '../components/ui';
import { isManager, useRestaurant } from '../context';
import { formatLocalDate } from '../format';
import type { RestaurantConfig } from '../types';

type Save = (next: RestaurantConfig, what: string) => Promise<IssueDetail[] | null>;

export function SettingsPage() {
  const { slug, role } = useRestaurant();
  const notify = useNotify();
  const config = useLoad(() => api.get<RestaurantConfig>(rpath(slug, '/config')), [slug]);
  const canEdit = isManager(role);

  /** PUT the whole file; returns the importer's issues on 422, throws on anything else. */
  const save: Save = async (next, what) => {
    try {
      const saved = await api.put<RestaurantConfig>(rpath(slug, '/config'), next);
      config.setData(saved);
      notify(`${what} saved.`);
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'validation_failed') return e.issues.length ? e.issues : [{ path: '', message: e.message }];
      throw e;
    }
  };

  const c = config.data;
  return (
    <section aria-labelledby="settings-title">
      <div className="page-head">
        <h1 id="settings-title">Settings</h1>
        {c && (
          <button type="button" onClick={() => downloadJson(`${c.slug}.json`, c)}>
            Export configuration
          </button>
        )}
      </div>
      {!canEdit && <p className="notice">You can view the settings. Owners and managers change them.</p>}
      <ErrorBox error={config.error} />
      {config.loading && !c && <Loading what="Loading the configuration" />}
      {c && (
        <>
          <ProfileForm config={c} save={save} canEdit={canEdit} />
          <PolicyForm config={c} save={save} canEdit={canEdit} />
          <ClosuresForm config={c} save={save} canEdit={canEdit} />
          <SpecialHoursForm config={c} save={save} canEdit={canEdit} />
          <FloorView config={c} />
          {canEdit && <ImportForm save={save} slug={c.slug} />}
        </>
      )}
    </section>
  );
}

/** A settings card: a form with its own save button, the importer's issues listed under it. */
function Card(props: { title: string; canEdit: boolean; onSave: () => Promise<IssueDetail[] | null>; children: ReactNode; dirty?: boolean }) {
  const id = useId();
  const [issues, setIssues] = useState<IssueDetail[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setIssues(null);
    try {
      setIssues(await props.onSave());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${id}-t`} noValidate>
      <h2 id={`${id}-t`}>{props.title}</h2>
      <fieldset disabled={!props.canEdit} className="plain">
        {props.children}
      </fieldset>
      <IssueList issues={issues} />
      <ErrorBox error={error} />
      {props.canEdit && (
        <div className="actions start">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : `Save ${props.title.toLowerCase()}`}
          </button>
        </div>
      )}
    </form>
  );
}

function IssueList({ issues }: { issues: IssueDetail[] | null }) {
  if (!issues?.length) return null;
  return (
    <div className="error-box" role="alert">
      <strong>Not saved: the configuration has {issues.length === 1 ? 'a problem' : `${issues.length} problems`}.</strong>
      <ul className="issues">
        {issues.map((i, n) => (
          <li key={n}>
            <span className="mono">{i.path.replace(/^body\.?/, '') || '(file)'}</span>: {i.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Text(props: { label: string; value: string; onChange: (v: string) => void; type?: string; placeholder?: string; mono?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type={props.type ?? 'text'}
        className={props.mono ? 'mono' : undefined}
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

/** Number fields are kept as text while typing; the server reports what is wrong with them. */
const num = (v: string) => (v.trim() === '' ? (undefined as unknown as number) : Number(v));
const clean = <T extends Record<string, string>>(o: T) => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v.trim()) out[k] = v.trim();
  return Object.keys(out).length ? out : undefined;
};

function ProfileForm({ config, save, canEdit }: { config: RestaurantConfig; save: Save; canEdit: boolean }) {
  const [name, setName] = useState(config.name);
  const [timezone, setTimezone] = useState(config.timezone);
  const [contact, setContact] = useState({ phone: '', email: '', website: '', ...config.contact });
  const [location, setLocation] = useState({ address: '', city: '', postalCode: '', country: '', ...config.location });
  useEffect(() => {
    setName(config.name);
    setTimezone(config.timezone);
    setContact({ phone: '', email: '', website: '', ...config.contact });
    setLocation({ address: '', city: '', postalCode: '', country: '', ...config.location });
  }, [config]);
  return (
    <Card
      title="Profile"
      canEdit={canEdit}
      onSave={() => save({ ...config, name: name.trim(), timezone: timezone.trim(), contact: clean(contact), location: clean(location) }, 'Profile')}
    >
      <p className="muted small">
        Slug <span className="mono">{config.slug}</span> · plan {config.plan} (neither changes here)
      </p>
      <div className="field-row">
        <Text label="Name" value={name} onChange={setName} />
        <Text label="Time zone (IANA)" value={timezone} onChange={setTimezone} placeholder="Europe/Paris" mono />
      </div>
      <div className="field-row">
        <Text label="Phone" value={contact.phone} onChange={(v) => setContact({ ...contact, phone: v })} type="tel" />
        <Text label="Email" value={contact.email} onChange={(v) => setContact({ ...contact, email: v })} type="email" />
        <Text label="Website" value={contact.website} onChange={(v) => setContact({ ...contact, website: v })} type="url" />
      </div>
      <div className="field-row">
        <Text label="Address" value={location.address} onChange={(v) => setLocation({ ...location, address: v })} />
        <Text label="City" value={location.city} onChange={(v) => setLocation({ ...location, city: v })} />
        <Text label="Postal code" value={location.postalCode} onChange={(v) => setLocation({ ...location, postalCode: v })} />
        <Text label="Country" value={location.country} onChange={(v) => setLocation({ ...location, country: v })} />
      </div>
    </Card>
  );
}

const POLICY_FIELDS = [
  ['minPartySize', 'Smallest party'],
  ['maxPartySize', 'Largest party'],
  ['slotIntervalMinutes', 'Slot interval (minutes)'],
  ['bookingWindowDays', 'Bookable up to (days ahead)'],
  ['minNoticeMinutes', 'Minimum notice (minutes)'],
  ['bufferMinutes', 'Buffer between parties (minutes)'],
  ['cancellationCutoffMinutes', 'Guest cancellation cut-off (minutes)'],
] as const;

type PolicyKey = (typeof POLICY_FIELDS)[number][0];

function PolicyForm({ config, save, canEdit }: { config: RestaurantConfig; save: Save; canEdit: boolean }) {
  const id = useId();
  const toText = (c: RestaurantConfig) => Object.fromEntries(POLICY_FIELDS.map(([k]) => [k, String(c.policy[k])])) as Record<PolicyKey, string>;
  const [values, setValues] = useState(() => toText(config));
  const [turns, setTurns] = useState(() => config.policy.turnTimes.map((t) => ({ max: String(t.maxPartySize), minutes: String(t.minutes) })));
  useEffect(() => {
    setValues(toText(config));
    setTurns(config.policy.turnTimes.map((t) => ({ max: String(t.maxPartySize), minutes: String(t.minutes) })));
  }, [config]);
  const onSave = () =>
    save(
      {
        ...config,
        policy: {
          ...(Object.fromEntries(POLICY_FIELDS.map(([k]) => [k, num(values[k])])) as Record<PolicyKey, number>),
          turnTimes: turns.map((t) => ({ maxPartySize: num(t.max), minutes: num(t.minutes) })),
        },
      },
      'Booking policy',
    );
  return (
    <Card title="Booking policy" canEdit={canEdit} onSave={onSave}>
      <div className="field-grid">
        {POLICY_FIELDS.map(([k, label]) => (
          <div className="field" key={k}>
            <label htmlFor={`${id}-${k}`}>{label}</label>
            <input id={`${id}-${k}`} type="number" inputMode="numeric" value={values[k]} onChange={(e) => setValues({ ...values, [k]: e.target.value })} />
          </div>
        ))}
      </div>
      <h3>Turn times</h3>
      <p className="help">How long a party holds its table: the first line whose size is at least the party’s.</p>
      <table className="data-table compact">
        <thead>
          <tr>
            <th scope="col">Parties up to</th>
            <th scope="col">Minutes</th>
            <th scope="col">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {turns.map((t, i) => (
            <tr key={i}>
              <td>
                <input
                  type="number"
                  aria-label={`Turn time ${i + 1}: parties up to`}
                  value={t.max}
                  onChange={(e) => setTurns(turns.map((x, j) => (j === i ? { ...x, max: e.target.value } : x)))}
                />
              </td>
              <td>
                <input
                  type="number"
                  aria-label={`Turn time ${i + 1}: minutes`}
                  value={t.minutes}
                  onChange={(e) => setTurns(turns.map((x, j) => (j === i ? { ...x, minutes: e.target.value } : x)))}
                />
              </td>
              <td>
                <button type="button" className="small-button" aria-label={`Remove turn time ${i + 1}`} onClick={() => setTurns(turns.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="small-button" onClick={() => setTurns([...turns, { max: '', minutes: '' }])}>
        Add turn time
      </button>
    </Card>
  );
}

function ClosuresForm({ config, save, canEdit }: { config: RestaurantConfig; save: Save; canEdit: boolean }) {
  const [rows, setRows] = useState(() => config.closures.map((c) => ({ date: c.date, reason: c.reason ?? '' })));
  useEffect(() => setRows(config.closures.map((c) => ({ date: c.date, reason: c.reason ?? '' }))), [config]);
  const onSave = () =>
    save({ ...config, closures: rows.map((r) => ({ date: r.date, ...(r.reason.trim() ? { reason: r.reason.trim() } : {}) })) }, 'Closures');
  return (
    <Card title="Closures" canEdit={canEdit} onSave={onSave}>
      <p className="help">Days the restaurant is closed (holidays, private events).</p>
      {rows.length === 0 && <p className="empty">No closure.</p>}
      <ul className="row-list">
        {rows.map((r, i) => (
          <li key={i} className="field-row">
            <div className="field">
              <label htmlFor={`closure-date-${i}`}>Date</label>
              <input id={`closure-date-${i}`} type="date" value={r.date} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, date: e.target.value } : x)))} />
            </div>
            <div className="field grow">
              <label htmlFor={`closure-reason-${i}`}>Reason</label>
              <input
                id={`closure-reason-${i}`}
                value={r.reason}
                onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, reason: e.target.value } : x)))}
              />
            </div>
            <button type="button" className="small-button align-end" aria-label={`Remove closure ${r.date || i + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="small-button" onClick={() => setRows([...rows, { date: '', reason: '' }])}>
        Add closure
      </button>
    </Card>
  );
}

type SpecialService = { key: string; name: string; start: string; lastSeating: string; end: string };

function SpecialHoursForm({ config, save, canEdit }: { config: RestaurantConfig; save: Save; canEdit: boolean }) {
  const toRows = (c: RestaurantConfig) =>
    c.specialHours.map((d) => ({ date: d.date, services: d.services.map((s) => ({ key: s.key, name: s.name ?? '', start: s.start, lastSeating: s.lastSeating, end: s.end })) }));
  const [days, setDays] = useState(() => toRows(config));
  useEffect(() => setDays(toRows(config)), [config]);
  const onSave = () =>
    save(
      {
        ...config,
        specialHours: days.map((d) => ({
          date: d.date,
          services: d.services.map((s) => ({ key: s.key.trim(), ...(s.name.trim() ? { name: s.name.trim() } : {}), start: s.start, lastSeating: s.lastSeating, end: s.end })),
        })),
      },
      'Special hours',
    );
  const setService = (di: number, si: number, patch: Partial<SpecialService>) =>
    setDays(days.map((d, i) => (i === di ? { ...d, services: d.services.map((s, j) => (j === si ? { ...s, ...patch } : s)) } : d)));
  return (
    <Card title="Special hours" canEdit={canEdit} onSave={onSave}>
      <p className="help">Dates whose services replace the regular ones (e.g. New Year’s Eve).</p>
      {days.length === 0 && <p className="empty">No special hours.</p>}
      {days.map((d, di) => (
        <fieldset key={di} className="subcard">
          <legend>{d.date ? formatLocalDate(d.date) : `New date ${di + 1}`}</legend>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`sh-date-${di}`}>Date</label>
              <input id={`sh-date-${di}`} type="date" value={d.date} onChange={(e) => setDays(days.map((x, i) => (i === di ? { ...x, date: e.target.value } : x)))} />
            </div>
            <button type="button" className="small-button align-end" onClick={() => setDays(days.filter((_, i) => i !== di))}>
              Remove date
            </button>
          </div>
          {d.services.map((s, si) => (
            <div key={si} className="field-row">
              {(
                [
                  ['key', 'Service key', 'text'],
                  ['name', 'Name', 'text'],
                  ['start', 'Start', 'time'],
                  ['lastSeating', 'Last seating', 'time'],
                  ['end', 'End', 'time'],
                ] as const
              ).map(([k, label, type]) => (
                <div className="field" key={k}>
                  <label htmlFor={`sh-${di}-${si}-${k}`}>{label}</label>
                  <input id={`sh-${di}-${si}-${k}`} type={type} value={s[k]} onChange={(e) => setService(di, si, { [k]: e.target.value })} />
                </div>
              ))}
              <button
                type="button"
                className="small-button align-end"
                aria-label={`Remove service ${s.key || si + 1}`}
                onClick={() => setDays(days.map((x, i) => (i === di ? { ...x, services: x.services.filter((_, j) => j !== si) } : x)))}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className="small-button"
            onClick={() =>
              setDays(days.map((x, i) => (i === di ? { ...x, services: [...x.services, { key: '', name: '', start: '19:00', lastSeating: '21:30', end: '23:00' }] } : x)))
            }
          >
            Add service
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        className="small-button"
        onClick={() => setDays([...days, { date: '', services: [{ key: 'special', name: '', start: '19:00', lastSeating: '21:30', end: '23:00' }] }])}
      >
        Add a date
      </button>
    </Card>
  );
}

function FloorView({ config }: { config: RestaurantConfig }) {
  return (
    <section className="card" aria-labelledby="floor-title">
      <h2 id="floor-title">Floor plan and services</h2>
      <p className="help">Change these in the configuration file: export it, edit it, import it below.</p>
      <div className="floor-areas">
        {config.areas.map((a) => (
          <div key={a.key} className="floor-area">
            <h3>
              {a.name} <span className="muted small mono">{a.key}</span>
            </h3>
            <ul className="floor-tables">
              {config.tables
                .filter((t) => t.area === a.key)
                .map((t) => (
                  <li key={t.key} className="floor-table" aria-label={`Table ${t.key}, ${t.minCovers} to ${t.maxCovers} covers`}>
                    <strong>{t.key}</strong>
                    <span className="small">
                      {t.minCovers}–{t.maxCovers}
                    </span>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </div>
      {config.combinations.length > 0 && (
        <p>
          Combinations:{' '}
          {config.combinations.map((c) => `${c.tables.join('+')} (${c.minCovers}–${c.maxCovers})`).join(', ')}
        </p>
      )}
      <div className="table-wrap">
        <table className="data-table compact">
          <caption>Services</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Days</th>
              <th scope="col">Hours</th>
              <th scope="col">Last seating</th>
              <th scope="col">Pacing per slot</th>
            </tr>
          </thead>
          <tbody>
            {config.services.map((s) => (
              <tr key={s.key}>
                <th scope="row">{s.name}</th>
                <td>{s.days.join(', ')}</td>
                <td>
                  {s.start}–{s.end}
                </td>
                <td>{s.lastSeating}</td>
                <td>
                  {[s.pacing?.maxCoversPerSlot && `${s.pacing.maxCoversPerSlot} covers`, s.pacing?.maxBookingsPerSlot && `${s.pacing.maxBookingsPerSlot} bookings`]
                    .filter(Boolean)
                    .join(', ') || 'no limit'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {config.events.length > 0 && (
        <p>
          Events: {config.events.map((e) => `${e.name} (${formatLocalDate(e.date)} ${e.start}, ${e.capacity} seats)`).join('; ')}
        </p>
      )}
    </section>
  );
}

function ImportForm({ save, slug }: { save: Save; slug: string }) {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [issues, setIssues] = useState<IssueDetail[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setIssues(null);
    setError(null);
    if (!file) {
      setError(new Error('Choose a configuration file (.json) first.'));
      return;
    }
    setBusy(true);
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await file.text());
      } catch (err) {
        setIssues([{ path: '', message: `${file.name} is not valid JSON: ${err instanceof Error ? err.message : String(err)}` }]);
        return;
      }
      setIssues(await save(parsed as RestaurantConfig, 'Imported configuration'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${id}-t`}>
      <h2 id={`${id}-t`}>Import a configuration file</h2>
      <p className="help">
        Replaces the whole configuration (floor plan, services, policy, closures, events, special hours). Its slug must stay{' '}
        <span className="mono">{slug}</span>. Nothing changes if the file has a problem.
      </p>
      <div className="field">
        <label htmlFor={`${id}-file`}>Configuration file</label>
        <input id={`${id}-file`} type="file" accept="application/json,.json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </div>
      <IssueList issues={issues} />
      <ErrorBox error={error} />
      <div className="actions start">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import and replace'}
        </button>
      </div>
    </form>
  );
}
