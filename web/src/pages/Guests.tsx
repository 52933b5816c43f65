/** Guests: search, and a profile with stats, history, emails, notes and tags; GDPR export and erasure for owners. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, downloadJson, qs, rpath } from '../api';
import { useNotify } from '../components/Notify';
import { DataTable } from '../components/Table';
import { Badge, ConfirmDialog, ErrorBox, Loading, useLoad } from '../components/ui';
import { useRestaurant } from '../context';
import { formatDate, formatDateTime, formatLocalDate } from '../format';
import { Link, navigate } from '../router';
import type { CustomerPage, CustomerProfile } from '../types';
import { MessageList } from './messages/MessageList';

export function GuestsPage() {
  const { slug } = useRestaurant();
  const id = useId();
  const [input, setInput] = useState('');
  const [query, setQuery] = useState('');
  // Search as the user types, a moment after the last key.
  useEffect(() => {
    const t = setTimeout(() => setQuery(input.trim()), 250);
    return () => clearTimeout(t);
  }, [input]);
  const list = useLoad(() => api.get<CustomerPage>(rpath(slug, `/customers${qs({ q: query || undefined, limit: 50 })}`)), [slug, query]);

  return (
    <section aria-labelledby="guests-title">
      <h1 id="guests-title">Guests</h1>
      <form className="toolbar" role="search" onSubmit={(e) => (e.preventDefault(), setQuery(input.trim()))}>
        <label htmlFor={`${id}-q`} className="inline-field">
          <span>Search guests</span>
          <input id={`${id}-q`} type="search" value={input} placeholder="Name, email or phone" onChange={(e) => setInput(e.target.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading what="Searching" />}
      {list.data && (
        <p className="muted small" aria-live="polite">
          {list.data.data.length === 0
            ? query
              ? `No guest matches “${query}”.`
              : 'No guest yet.'
            : `${list.data.data.length}${list.data.nextCursor ? '+' : ''} guest${list.data.data.length === 1 ? '' : 's'}${query ? ` matching “${query}”` : ''}`}
        </p>
      )}
      {list.data && list.data.data.length > 0 && (
        <DataTable caption="Guests" columns={['Name', 'Email', 'Phone', 'Tags', 'Since']}>
          {list.data.data.map((c) => (
            <tr key={c.id}>
              <th scope="row">
                <Link to={`r/${slug}/guests/${c.id}`}>{c.name ?? 'Erased guest'}</Link>
              </th>
              <td>{c.email ?? '—'}</td>
              <td>{c.phone ?? '—'}</td>
              <td>
                <Tags tags={c.tags} />
              </td>
              <td>{formatDate(c.createdAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function Tags({ tags }: { tags: string[] }) {
  if (!tags.length) return <span className="muted">—</span>;
  return (
    <ul className="tag-list">
      {tags.map((t) => (
        <li key={t}>
          <Badge tone="violet">{t}</Badge>
        </li>
      ))}
    </ul>
  );
}

export function GuestProfilePage({ customerId }: { customerId: string }) {
  const { slug, role } = useRestaurant();
  const notify = useNotify();
  const id = useId();
  const base = rpath(slug, `/customers/${customerId}`);
  const profile = useLoad(() => api.get<CustomerProfile>(base), [base]);
  const [notes, setNotes] = useState('');
  const [tags, setTags] = useState('');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [erasing, setErasing] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const c = profile.data;

  // The form takes each profile loaded (first load, reload, after a save) while rendering, not in an effect: the
  // fields never show empty next to a loaded profile.
  const [formFor, setFormFor] = useState<CustomerProfile | undefined>(undefined);
  if (c && c !== formFor) {
    setFormFor(c);
    setNotes(c.notes ?? '');
    setTags(c.tags.join(', '));
  }

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setSaveError(null);
    try {
      const list = tags.split(',').map((t) => t.trim()).filter(Boolean);
      profile.setData(await api.patch<CustomerProfile>(base, { notes: notes.trim() || null, tags: list }));
      notify('Notes and tags saved.');
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  const exportData = async () => {
    setExportError(null);
    try {
      const data = await api.get<unknown>(`${base}/export`);
      downloadJson(`guest-${customerId}.json`, data);
      notify('Export downloaded.');
    } catch (err) {
      setExportError(err);
    }
  };

  return (
    <section aria-labelledby="guest-title">
      <p className="breadcrumb">
        <Link to={`r/${slug}/guests`}>← Guests</Link>
      </p>
      <ErrorBox error={profile.error} />
      {profile.loading && !c && <Loading />}
      {c && (
        <>
          <div className="page-head">
            <h1 id="guest-title">{c.name ?? 'Erased guest'}</h1>
            {c.erasedAt && <Badge tone="grey">Erased {formatDate(c.erasedAt)}</Badge>}
          </div>
          <dl className="facts">
            <div>
              <dt>Email</dt>
              <dd>{c.email ?? '—'}</dd>
            </div>
            <div>
              <dt>Phone</dt>
              <dd>{c.phone ?? '—'}</dd>
            </div>
            <div>
              <dt>Marketing consent</dt>
              <dd>{c.marketingConsent.granted ? `Yes (${formatDate(c.marketingConsent.at)})` : 'No'}</dd>
            </div>
            <div>
              <dt>Guest since</dt>
              <dd>{formatDate(c.createdAt)}</dd>
            </div>
          </dl>
          <h2>Stats</h2>
          <ul className="stats">
            <li>
              <strong>{c.stats.visits}</strong> visits
            </li>
            <li>
              <strong>{c.stats.covers}</strong> covers
            </li>
            <li>
              <strong>{c.stats.upcoming}</strong> upcoming
            </li>
            <li>
              <strong>{c.stats.cancellations}</strong> cancellations
            </li>
            <li>
              <strong>{c.stats.noShows}</strong> no-shows
            </li>
            <li>
              Last visit <strong>{formatDate(c.stats.lastVisitAt, 'never')}</strong>
            </li>
          </ul>
          {!c.erasedAt && (
            <form className="form narrow" onSubmit={save}>
              <h2>Notes and tags</h2>
              <div className="field">
                <label htmlFor={`${id}-notes`}>Notes</label>
                <textarea id={`${id}-notes`} rows={3} maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-tags`}>Tags (comma-separated)</label>
                <input id={`${id}-tags`} value={tags} placeholder="vip, vegetarian" onChange={(e) => setTags(e.target.value)} />
              </div>
              <ErrorBox error={saveError} />
              <div className="actions start">
                <button type="submit" className="primary" disabled={saving}>
                  {saving ? 'Saving…' : 'Save notes and tags'}
                </button>
              </div>
            </form>
          )}
          <h2>History</h2>
          {c.history.length === 0 ? (
            <p className="empty">No booking.</p>
          ) : (
            <DataTable caption="The guest’s bookings, newest first" columns={['Date', 'Time', 'Party', 'Status', 'Reference']}>
              {c.history.map((h) => (
                <tr key={h.id}>
                  <td>{formatLocalDate(h.date)}</td>
                  <td>{h.time}</td>
                  <td>{h.partySize}</td>
                  <td>{h.status.replace('_', '-')}</td>
                  <td className="mono">{h.reference}</td>
                </tr>
              ))}
            </DataTable>
          )}
          <h2>Emails</h2>
          <MessageList filter={{ customerId: c.id }} caption="The emails sent to the guest, newest first" />
          {role === 'owner' && !c.erasedAt && (
            <section className="danger-zone" aria-labelledby={`${id}-gdpr`}>
              <h2 id={`${id}-gdpr`}>Personal data (GDPR)</h2>
              <p>Export everything Maitre holds about this guest, or erase it for good. Only owners see this.</p>
              <ErrorBox error={exportError} />
              <div className="toolbar">
                <button type="button" onClick={exportData}>
                  Download data export
                </button>
                <button type="button" className="danger" onClick={() => setErasing(true)}>
                  Erase guest…
                </button>
              </div>
            </section>
          )}
          <ConfirmDialog
            open={erasing}
            title="Erase this guest?"
            confirmLabel="Erase personal data"
            danger
            onClose={() => setErasing(false)}
            onConfirm={async () => {
              await api.post(`${base}/erase`, {});
              notify(`${c.name ?? 'The guest'} was erased.`);
              navigate(`r/${slug}/guests`);
            }}
          >
            <p>
              The name, contact details, notes and tags of <strong>{c.name}</strong> are removed everywhere, including booking notes, history,
              the emails sent to them and stored webhook events. The bookings stay, anonymous, in your statistics. <strong>This cannot be undone.</strong>
            </p>
          </ConfirmDialog>
          <p className="muted small">Updated {formatDateTime(c.updatedAt)}</p>
        </>
      )}
    </section>
  );
}
