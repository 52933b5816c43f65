/** Settings: closures, the dates the restaurant does not open, with a reason. */
import { useEffect, useState } from 'react';
import type { RestaurantConfig } from '../../types';
import { Card, type Save } from './settings-ui';

export function ClosuresForm({ config, save, canEdit }: { config: RestaurantConfig; save: Save; canEdit: boolean }) {
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
