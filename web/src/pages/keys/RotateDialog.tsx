/** Rotate a key: choose how long the old one stays valid; the new key is handed to `onRotated` (shown once). */
import { useId, useState, type FormEvent } from 'react';
import { api, rpath } from '../../api';
import { Dialog } from '../../components/Dialog';
import { FormActions } from '../../components/Field';
import { ErrorBox } from '../../components/ui';
import { useAction } from '../../components/useAction';
import { useRestaurant } from '../../context';
import type { ApiKey, CreatedKey } from '../../types';
import { GRACE_CHOICES } from './keys-form';

export function RotateDialog(props: { target: ApiKey | null; onClose: () => void; onRotated: (key: CreatedKey) => void }) {
  const { slug } = useRestaurant();
  const id = useId();
  const [grace, setGrace] = useState(2);
  const action = useAction();
  const k = props.target;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!k) return;
    void action.run(async () => {
      const seconds = GRACE_CHOICES[grace].seconds;
      props.onRotated(await api.post<CreatedKey>(rpath(slug, `/keys/${k.id}/rotate`), seconds === undefined ? {} : { graceSeconds: seconds }));
    });
  };
  return (
    <Dialog
      open={k !== null}
      title="Rotate this key?"
      onClose={() => {
        action.setError(null);
        props.onClose();
      }}
    >
      <form onSubmit={submit} className="form">
        <p>
          A new key with the same settings replaces <strong>{k?.name}</strong> (<span className="mono">{k?.prefix}</span>). The old key
          keeps working during the grace period, with a deprecation warning, so you can switch your integration over.
        </p>
        <div className="field">
          <label htmlFor={`${id}-grace`}>Old key stays valid</label>
          <select id={`${id}-grace`} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
            {GRACE_CHOICES.map((c, i) => (
              <option key={c.label} value={i}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <ErrorBox error={action.error} />
        <FormActions submitLabel="Rotate key" busyLabel="Rotating…" busy={action.busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
