/** API keys: the table, create (with the one-time reveal), rotate, revoke, delete. Owners and managers. */
import { useState } from 'react';
import { api, rpath } from '../../api';
import { useNotify } from '../../components/Notify';
import { SecretDialog } from '../../components/SecretDialog';
import { ConfirmDialog, ErrorBox, Loading, useLoad } from '../../components/ui';
import { useRestaurant } from '../../context';
import type { ApiKey, CreatedKey } from '../../types';
import { CreateKeyDialog } from './CreateKeyDialog';
import { KeysTable, type KeyAction } from './KeysTable';
import { McpConnect } from './McpConnect';
import { RotateDialog } from './RotateDialog';

export function KeysPage() {
  const { slug } = useRestaurant();
  const notify = useNotify();
  const keys = useLoad(() => api.get<{ data: ApiKey[] }>(rpath(slug, '/keys')).then((r) => r.data), [slug]);
  const [creating, setCreating] = useState(false);
  const [action, setAction] = useState<KeyAction | null>(null);
  const [revealed, setRevealed] = useState<{ title: string; key: CreatedKey; agent: boolean } | null>(null);
  const target = action?.key;

  return (
    <section aria-labelledby="keys-title">
      <div className="page-head">
        <h1 id="keys-title">API keys</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create key
        </button>
      </div>
      <p className="lead">
        Keys let your website, booking widget or other software use the Maitre API for this restaurant. A key is shown once, when it
        is created or rotated.
      </p>
      <ErrorBox error={keys.error} />
      {keys.loading && !keys.data && <Loading what="Loading keys" />}
      {keys.data && keys.data.length === 0 && <p className="empty">No keys yet. Create one to connect an integration.</p>}
      {keys.data && keys.data.length > 0 && <KeysTable slug={slug} keys={keys.data} onAction={setAction} />}
      {keys.data?.some((k) => k.system) && (
        <p className="help system-key-note">
          A <strong>System</strong> key is the server’s own key for the booking widget on its /demo page. The server holds it in
          memory and makes a new one at each start, so it cannot be rotated, revoked or deleted here: doing so would break /demo.
          To turn the demo off, start the server with <span className="mono">MAITRE_DEMO=0</span>.
        </p>
      )}

      <CreateKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(key, agent) => {
          setCreating(false);
          setRevealed({ title: 'Your new API key', key, agent });
          notify(`Key “${key.name}” created.`);
          keys.reload();
        }}
      />
      <RotateDialog
        target={action?.kind === 'rotate' ? action.key : null}
        onClose={() => setAction(null)}
        onRotated={(key) => {
          setAction(null);
          setRevealed({ title: 'The rotated API key', key, agent: false });
          notify(`Key “${key.name}” rotated.`);
          keys.reload();
        }}
      />
      <ConfirmDialog
        open={action?.kind === 'revoke'}
        title="Revoke this key?"
        confirmLabel="Revoke key"
        danger
        onClose={() => setAction(null)}
        onConfirm={async () => {
          await api.post(rpath(slug, `/keys/${target!.id}/revoke`));
          notify(`Key “${target!.name}” revoked. Requests made with it are refused from now on.`);
          keys.reload();
        }}
      >
        <p>
          Every request made with <strong>{target?.name}</strong> (<span className="mono">{target?.prefix}</span>) will be refused at once.
          This cannot be undone.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={action?.kind === 'delete'}
        title="Delete this key?"
        confirmLabel="Delete key and its logs"
        danger
        onClose={() => setAction(null)}
        onConfirm={async () => {
          await api.del(rpath(slug, `/keys/${target!.id}`));
          notify(`Key “${target!.name}” deleted with its usage logs.`);
          keys.reload();
        }}
      >
        <p>
          <strong>{target?.name}</strong> (<span className="mono">{target?.prefix}</span>) stops working and is removed permanently,
          together with <strong>all of its usage logs</strong>. This cannot be undone.
        </p>
      </ConfirmDialog>
      <SecretDialog
        open={revealed !== null}
        title={revealed?.title ?? ''}
        label={`API key “${revealed?.key.name}”`}
        value={revealed?.key.key ?? ''}
        warning="Copy this key now. You will not see it again: Maitre stores only a hash of it."
        onClose={() => setRevealed(null)}
      >
        <p className="muted small">
          Send it as <span className="mono">Authorization: Bearer &lt;key&gt;</span> or <span className="mono">x-api-key</span>.
        </p>
        {revealed?.agent && <McpConnect apiKey={revealed.key.key} />}
      </SecretDialog>
    </section>
  );
}
