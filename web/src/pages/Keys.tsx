/** API keys: the table, create (with the one-time reveal), rotate, revoke, delete. Owners and managers. */
import { useId, useState, type FormEvent } from 'react';
import { api, rpath, type ApiError } from '../api';
import { Dialog } from '../components/Dialog';
import { useNotify } from '../components/Notify';
import { Badge, ConfirmDialog, ErrorBox, Loading, SecretReveal, useLoad } from '../components/ui';
import { useRestaurant } from '../context';
import { formatDate, formatDateTime, relative } from '../format';
import { Link } from '../router';
import { SCOPES, SCOPE_DESCRIPTIONS, type ApiKey, type CreatedKey, type KeyStatus, type NewKey, type Scope } from '../types';
import { expiryOf, GRACE_CHOICES, parseOrigins, PRESETS, rateLimitError } from './keys-form';

const STATUS: Record<KeyStatus, { label: string; tone: 'green' | 'amber' | 'red' | 'grey' }> = {
  active: { label: 'Active', tone: 'green' },
  rotating: { label: 'Rotating', tone: 'amber' },
  revoked: { label: 'Revoked', tone: 'red' },
  expired: { label: 'Expired', tone: 'grey' },
};

export function KeyStatusBadge({ status }: { status: KeyStatus }) {
  return <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>;
}

type Action = { kind: 'rotate' | 'revoke' | 'delete'; key: ApiKey } | null;

export function KeysPage() {
  const { slug } = useRestaurant();
  const notify = useNotify();
  const keys = useLoad(() => api.get<{ data: ApiKey[] }>(rpath(slug, '/keys')).then((r) => r.data), [slug]);
  const [creating, setCreating] = useState(false);
  const [action, setAction] = useState<Action>(null);
  const [revealed, setRevealed] = useState<{ title: string; key: CreatedKey } | null>(null);

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
      {keys.data && keys.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table keys-table">
            <caption className="sr-only">API keys of this restaurant</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scopes</th>
                <th scope="col">Status</th>
                <th scope="col">Last used</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} data-key-id={k.id}>
                  <th scope="row">
                    <Link to={`r/${slug}/keys/${k.id}`}>{k.name}</Link>
                    {k.environment === 'test' && (
                      <>
                        {' '}
                        <Badge tone="violet">Test</Badge>
                      </>
                    )}
                  </th>
                  <td className="mono">{k.prefix}</td>
                  <td>
                    <ScopeList scopes={k.scopes} />
                  </td>
                  <td>
                    <KeyStatusBadge status={k.status} />
                    {k.status === 'rotating' && (
                      <div className="muted small">{k.graceEndsAt ? `until ${formatDateTime(k.graceEndsAt)}` : 'until revoked'}</div>
                    )}
                  </td>
                  <td title={k.lastUsedAt ? formatDateTime(k.lastUsedAt) : undefined}>{relative(k.lastUsedAt)}</td>
                  <td>{formatDate(k.createdAt)}</td>
                  <td>{k.expiresAt ? formatDateTime(k.expiresAt) : 'Never'}</td>
                  <td className="row-actions">
                    <Link to={`r/${slug}/keys/${k.id}`} className="button-link" aria-label={`Usage of ${k.name}`}>
                      Usage
                    </Link>
                    {(k.status === 'active' || k.status === 'rotating') && (
                      <>
                        {k.status === 'active' && (
                          <button type="button" onClick={() => setAction({ kind: 'rotate', key: k })} aria-label={`Rotate ${k.name}`}>
                            Rotate
                          </button>
                        )}
                        <button type="button" onClick={() => setAction({ kind: 'revoke', key: k })} aria-label={`Revoke ${k.name}`}>
                          Revoke
                        </button>
                      </>
                    )}
                    <button type="button" className="danger-text" onClick={() => setAction({ kind: 'delete', key: k })} aria-label={`Delete ${k.name}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <CreateKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(key) => {
          setCreating(false);
          setRevealed({ title: 'Your new API key', key });
          notify(`Key “${key.name}” created.`);
          keys.reload();
        }}
      />
      <RotateDialog
        target={action?.kind === 'rotate' ? action.key : null}
        onClose={() => setAction(null)}
        onRotated={(key) => {
          setAction(null);
          setRevealed({ title: 'The rotated API key', key });
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
          const k = action!.key;
          await api.post(rpath(slug, `/keys/${k.id}/revoke`));
          notify(`Key “${k.name}” revoked. Requests made with it are refused from now on.`);
          keys.reload();
        }}
      >
        <p>
          Every request made with <strong>{action?.key.name}</strong> (<span className="mono">{action?.key.prefix}</span>) will be refused
          at once. This cannot be undone.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={action?.kind === 'delete'}
        title="Delete this key?"
        confirmLabel="Delete key and its logs"
        danger
        onClose={() => setAction(null)}
        onConfirm={async () => {
          const k = action!.key;
          await api.del(rpath(slug, `/keys/${k.id}`));
          notify(`Key “${k.name}” deleted with its usage logs.`);
          keys.reload();
        }}
      >
        <p>
          <strong>{action?.key.name}</strong> (<span className="mono">{action?.key.prefix}</span>) stops working and is removed permanently,
          together with <strong>all of its usage logs</strong>. This cannot be undone.
        </p>
      </ConfirmDialog>
      <Dialog open={revealed !== null} title={revealed?.title ?? ''} onClose={() => setRevealed(null)}>
        {revealed && (
          <>
            <SecretReveal
              label={`API key “${revealed.key.name}”`}
              value={revealed.key.key}
              warning="Copy this key now. You will not see it again: Maitre stores only a hash of it."
            />
            <p className="muted small">
              Send it as <span className="mono">Authorization: Bearer &lt;key&gt;</span> or <span className="mono">x-api-key</span>.
            </p>
            <div className="actions">
              <button type="button" className="primary" onClick={() => setRevealed(null)}>
                I have copied it
              </button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}

function ScopeList({ scopes }: { scopes: Scope[] }) {
  if (scopes.length === SCOPES.length) return <span title={scopes.join(', ')}>All scopes</span>;
  return (
    <ul className="scope-list">
      {scopes.map((s) => (
        <li key={s} className="mono">
          {s}
        </li>
      ))}
    </ul>
  );
}

function CreateKeyDialog(props: { open: boolean; onClose: () => void; onCreated: (key: CreatedKey) => void }) {
  const { slug } = useRestaurant();
  const id = useId();
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState<'live' | 'test'>('live');
  const [scopes, setScopes] = useState<Set<Scope>>(new Set(PRESETS[0].scopes));
  const [origins, setOrigins] = useState('');
  const [rateLimit, setRateLimit] = useState('120');
  const [expires, setExpires] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const nameError = name.trim() ? null : 'Give the key a name, e.g. “Website widget”.';
  const scopeError = scopes.size ? null : 'Choose at least one scope.';
  const originCheck = parseOrigins(origins);
  const rateError = rateLimitError(rateLimit);
  const expiry = expiryOf(expires);
  const invalid = nameError || scopeError || originCheck.error || rateError || expiry.error;

  const reset = () => {
    setName('');
    setEnvironment('live');
    setScopes(new Set(PRESETS[0].scopes));
    setOrigins('');
    setRateLimit('120');
    setExpires('');
    setTouched(false);
    setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (invalid) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<CreatedKey>(rpath(slug, '/keys'), {
        name: name.trim(),
        environment,
        scopes: SCOPES.filter((s) => scopes.has(s)),
        allowedOrigins: originCheck.origins,
        rateLimitPerMinute: Number(rateLimit),
        expiresAt: expiry.iso,
      } satisfies NewKey);
      reset();
      props.onCreated(created);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (s: Scope, on: boolean) =>
    setScopes((prev) => {
      const next = new Set(prev);
      if (on) next.add(s);
      else next.delete(s);
      return next;
    });

  const fieldError = (msg: string | null, suffix: string) =>
    touched && msg ? (
      <p className="field-error" id={`${id}-${suffix}-err`}>
        {msg}
      </p>
    ) : null;
  const described = (msg: string | null, suffix: string) => (touched && msg ? `${id}-${suffix}-err` : undefined);

  return (
    <Dialog
      open={props.open}
      title="Create an API key"
      wide
      onClose={() => {
        reset();
        props.onClose();
      }}
    >
      <form onSubmit={submit} noValidate className="form">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={touched && !!nameError}
            aria-describedby={described(nameError, 'name')}
            required
          />
          {fieldError(nameError, 'name')}
        </div>
        <fieldset className="field">
          <legend>Environment</legend>
          <label className="inline">
            <input type="radio" name="environment" value="live" checked={environment === 'live'} onChange={() => setEnvironment('live')} /> Live
          </label>
          <label className="inline">
            <input type="radio" name="environment" value="test" checked={environment === 'test'} onChange={() => setEnvironment('test')} /> Test
          </label>
        </fieldset>
        <fieldset className="field" aria-describedby={described(scopeError, 'scopes')}>
          <legend>Scopes</legend>
          <div className="preset-row" role="group" aria-label="Scope presets">
            {PRESETS.map((p) => (
              <button key={p.label} type="button" className="small-button" onClick={() => setScopes(new Set(p.scopes))}>
                {p.label}
              </button>
            ))}
            <button type="button" className="small-button" onClick={() => setScopes(new Set())}>
              Clear
            </button>
          </div>
          <div className="scope-grid">
            {SCOPES.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" checked={scopes.has(s)} onChange={(e) => toggle(s, e.target.checked)} />
                <span>
                  <span className="mono">{s}</span>
                  <span className="muted small"> — {SCOPE_DESCRIPTIONS[s]}</span>
                </span>
              </label>
            ))}
          </div>
          {fieldError(scopeError, 'scopes')}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-origins`}>Allowed origins (optional, one per line)</label>
          <textarea
            id={`${id}-origins`}
            rows={2}
            value={origins}
            placeholder="https://www.example.com"
            onChange={(e) => setOrigins(e.target.value)}
            aria-invalid={touched && !!originCheck.error}
            aria-describedby={`${id}-origins-help ${described(originCheck.error, 'origins') ?? ''}`.trim()}
          />
          <p className="help" id={`${id}-origins-help`}>
            Browsers may use the key only from these sites. Empty: any origin (fine for a server).
          </p>
          {fieldError(originCheck.error, 'origins')}
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-rate`}>Rate limit (requests per minute)</label>
            <input
              id={`${id}-rate`}
              type="number"
              inputMode="numeric"
              min={1}
              max={1000}
              value={rateLimit}
              onChange={(e) => setRateLimit(e.target.value)}
              aria-invalid={touched && !!rateError}
              aria-describedby={described(rateError, 'rate')}
            />
            {fieldError(rateError, 'rate')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-expires`}>Expires (optional)</label>
            <input
              id={`${id}-expires`}
              type="datetime-local"
              value={expires}
              onChange={(e) => setExpires(e.target.value)}
              aria-invalid={touched && !!expiry.error}
              aria-describedby={described(expiry.error, 'expires')}
            />
            {fieldError(expiry.error, 'expires')}
          </div>
        </div>
        <ErrorBox error={error} title="The key was not created." />
        <div className="actions">
          <button
            type="button"
            onClick={() => {
              reset();
              props.onClose();
            }}
          >
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RotateDialog(props: { target: ApiKey | null; onClose: () => void; onRotated: (key: CreatedKey) => void }) {
  const { slug } = useRestaurant();
  const id = useId();
  const [grace, setGrace] = useState(2);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const k = props.target;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!k) return;
    setBusy(true);
    setError(null);
    try {
      const seconds = GRACE_CHOICES[grace].seconds;
      const rotated = await api.post<CreatedKey>(rpath(slug, `/keys/${k.id}/rotate`), seconds === undefined ? {} : { graceSeconds: seconds });
      props.onRotated(rotated);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={k !== null}
      title="Rotate this key?"
      onClose={() => {
        setError(null);
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
        <ErrorBox error={error} />
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Rotating…' : 'Rotate key'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
