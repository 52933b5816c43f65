/** Settings: the booking policy (party sizes, notice, window, turn times, cut-off…). */
import { useEffect, useId, useState } from 'react';
import type { RestaurantConfig } from '../../types';
import { Card, num, type Save } from './settings-ui';

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

export function PolicyForm({ config, save, canEdit }: { config: RestaurantConfig; save: Save; canEdit: boolean }) {
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
