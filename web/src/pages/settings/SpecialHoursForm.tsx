/** Settings: special hours, dates whose services replace the regular ones. */
import { useEffect, useState } from 'react';
import { formatLocalDate } from '../../format';
import type { RestaurantConfig } from '../../types';
import { Card, type Save } from './settings-ui';

type SpecialService = { key: string; name: string; start: string; lastSeating: string; end: string };

export function SpecialHoursForm({ config, save, canEdit }: { config: RestaurantConfig; save: Save; canEdit: boolean }) {
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
