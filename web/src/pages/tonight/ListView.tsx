/** The day's reservations as a searchable list (name, email, phone, reference; by status), in time order. */
import { useId, useState } from 'react';
import { DataTable } from '../../components/Table';
import { Badge } from '../../components/ui';
import type { Reservation } from '../../types';
import { STATUS_TONE } from './status';
import { STATUS_LABEL } from './tonight-model';

export function ListView({ reservations, onOpen }: { reservations: Reservation[]; onOpen: (r: Reservation) => void }) {
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
        <DataTable caption="Bookings of the day" columns={['Time', 'Guest', 'Party', 'Table', 'Status', 'Reference', 'Source']}>
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
        </DataTable>
      )}
    </div>
  );
}
