/** Settings: import a whole configuration file (JSON), with the importer's own errors. */
import { type FormEvent, useId, useState } from 'react';
import type { IssueDetail } from '../../api';
import { ErrorBox } from '../../components/ui';
import type { RestaurantConfig } from '../../types';
import { IssueList, type Save } from './settings-ui';

export function ImportForm({ save, slug }: { save: Save; slug: string }) {
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
