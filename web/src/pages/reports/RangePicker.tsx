/**
 * The range of the Reports page: a period (a preset, or custom dates checked here with the server's rules before any
 * request) and whether to compare with the previous period of the same length.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Field } from '../../components/Field';
import { PRESETS, presetOf, presetRange, rangeErrors, type DateRange, type PresetKey } from './range';

export function RangePicker(props: {
  today: string;
  range: DateRange;
  onChange: (range: DateRange) => void;
  compare: boolean;
  onCompare: (on: boolean) => void;
}) {
  const { today, range } = props;
  const [draft, setDraft] = useState<DateRange>(range);
  const [submitted, setSubmitted] = useState(false);
  useEffect(() => {
    setDraft(range);
    setSubmitted(false);
  }, [range]);
  const preset = draft.from === range.from && draft.to === range.to ? presetOf(range, today) : null;
  const errors = submitted ? rangeErrors(draft) : {};

  const choose = (key: PresetKey | 'custom') => {
    if (key !== 'custom') props.onChange(presetRange(key, today));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(rangeErrors(draft)).length === 0) props.onChange({ ...draft });
  };
  return (
    <form className="range-picker" onSubmit={submit} noValidate aria-label="Date range">
      <div className="field-row">
        <div className="field">
          <label htmlFor="report-period">Period</label>
          <select id="report-period" value={preset ?? 'custom'} onChange={(e) => choose(e.target.value as PresetKey | 'custom')}>
            {PRESETS.map((p) => (
              <option key={p.key} value={p.key}>
                {p.label}
              </option>
            ))}
            <option value="custom">Custom dates</option>
          </select>
        </div>
        <Field id="report-from" label="From" error={errors.from}>
          {(control) => (
            <input {...control} type="date" value={draft.from} max="9999-12-31" onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))} />
          )}
        </Field>
        <Field id="report-to" label="To" error={errors.to}>
          {(control) => <input {...control} type="date" value={draft.to} max="9999-12-31" onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))} />}
        </Field>
        <div className="field align-end">
          <button type="submit">Show</button>
        </div>
      </div>
      <label className="check">
        <input type="checkbox" checked={props.compare} onChange={(e) => props.onCompare(e.target.checked)} /> Compare with the previous period
        of the same length
      </label>
    </form>
  );
}
