/** What the settings forms share: a card that saves the whole file and lists the importer's issues, a text field, value helpers. */
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import type { IssueDetail } from '../../api';
import { Field } from '../../components/Field';
import { ErrorBox } from '../../components/ui';
import { useAction } from '../../components/useAction';
import type { RestaurantConfig } from '../../types';

export type Save = (next: RestaurantConfig, what: string) => Promise<IssueDetail[] | null>;

/** A settings card: a form with its own save button, the importer's issues listed under it. */
export function Card(props: { title: string; canEdit: boolean; onSave: () => Promise<IssueDetail[] | null>; children: ReactNode; dirty?: boolean }) {
  const id = useId();
  const [issues, setIssues] = useState<IssueDetail[] | null>(null);
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setIssues(null);
    void run(async () => setIssues(await props.onSave()));
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

export function IssueList({ issues }: { issues: IssueDetail[] | null }) {
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

export function Text(props: {
  label: string; value: string; onChange: (v: string) => void; type?: string; placeholder?: string; mono?: boolean;
  help?: string; maxLength?: number;
}) {
  const id = useId();
  return (
    <Field id={id} label={props.label} help={props.help}>
      {({ id: inputId, ...described }) => (
        <input
          id={inputId}
          {...described}
          type={props.type ?? 'text'}
          className={props.mono ? 'mono' : undefined}
          value={props.value}
          placeholder={props.placeholder}
          maxLength={props.maxLength}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** Number fields are kept as text while typing; the server reports what is wrong with them. */
export const num = (v: string) => (v.trim() === '' ? (undefined as unknown as number) : Number(v));

export const clean = <T extends Record<string, string>>(o: T) => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v.trim()) out[k] = v.trim();
  return Object.keys(out).length ? out : undefined;
};
