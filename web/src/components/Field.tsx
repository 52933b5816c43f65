/**
 * A labelled form field: the label, the control, an optional help line and the error message under it, with
 * `aria-invalid` and `aria-describedby` wired to them. The caller renders the control with the props it is given.
 */
import type { ReactNode } from 'react';

export interface FieldControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

export function Field(props: {
  id: string;
  label: ReactNode;
  /** The message to show, or null; pass it only once the form has been submitted (or the field touched). */
  error?: string | null;
  help?: ReactNode;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const { id, error, help } = props;
  const describedBy = [help ? `${id}-help` : null, error ? `${id}-err` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={props.className ?? 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, 'aria-invalid': !!error, 'aria-describedby': describedBy })}
      {help && (
        <p className="help" id={`${id}-help`}>
          {help}
        </p>
      )}
      <FieldError id={`${id}-err`} message={error} />
    </div>
  );
}

/** The message under a field or a fieldset (nothing when there is none). */
export function FieldError({ id, message }: { id?: string; message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}

/** A fieldset of checkboxes, one per item of `all`, toggling membership of `chosen`. */
export function CheckboxGrid<T extends string>(props: {
  all: readonly T[];
  chosen: ReadonlySet<T>;
  onChange: (next: Set<T>) => void;
  label: (item: T) => ReactNode;
}) {
  const toggle = (item: T, on: boolean) => {
    const next = new Set(props.chosen);
    if (on) next.add(item);
    else next.delete(item);
    props.onChange(next);
  };
  return (
    <div className="scope-grid">
      {props.all.map((item) => (
        <label key={item} className="check">
          <input type="checkbox" checked={props.chosen.has(item)} onChange={(e) => toggle(item, e.target.checked)} /> {props.label(item)}
        </label>
      ))}
    </div>
  );
}

/** Cancel and submit at the foot of a form; the submit button says `busyLabel` and is disabled while busy. */
export function FormActions(props: { submitLabel: string; busyLabel: string; busy: boolean; onCancel: () => void; danger?: boolean }) {
  return (
    <div className="actions">
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
      <button type="submit" className={props.danger ? 'danger' : 'primary'} disabled={props.busy}>
        {props.busy ? props.busyLabel : props.submitLabel}
      </button>
    </div>
  );
}
