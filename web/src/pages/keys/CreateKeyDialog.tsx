/** Create a key: name, environment, scopes (with presets), origins, rate limit, expiry; checked here, then by the server. */
import { useId, useState, type FormEvent } from 'react';
import { api, rpath } from '../../api';
import { Dialog } from '../../components/Dialog';
import { CheckboxGrid, Field, FieldError, FormActions } from '../../components/Field';
import { ErrorBox } from '../../components/ui';
import { useAction } from '../../components/useAction';
import { useRestaurant } from '../../context';
import { SCOPES, SCOPE_DESCRIPTIONS, type CreatedKey, type NewKey, type Scope } from '../../types';
import { expiryOf, parseOrigins, PRESETS, rateLimitError } from './keys-form';
import { McpConnect } from './McpConnect';

/** `agent`: the key was made with the "AI agent (MCP)" preset (the reveal then shows how to connect an MCP client). */
export function CreateKeyDialog(props: { open: boolean; onClose: () => void; onCreated: (key: CreatedKey, agent: boolean) => void }) {
  const { slug } = useRestaurant();
  const id = useId();
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState<'live' | 'test'>('live');
  const [scopes, setScopes] = useState<Set<Scope>>(new Set(PRESETS[0].scopes));
  const [agent, setAgent] = useState(false);
  const [origins, setOrigins] = useState('');
  const [rateLimit, setRateLimit] = useState('120');
  const [expires, setExpires] = useState('');
  const [touched, setTouched] = useState(false);
  const action = useAction();

  const nameError = name.trim() ? null : 'Give the key a name, e.g. “Website widget”.';
  const scopeError = scopes.size ? null : 'Choose at least one scope.';
  const originCheck = parseOrigins(origins);
  const rateError = rateLimitError(rateLimit);
  const expiry = expiryOf(expires);
  const invalid = nameError || scopeError || originCheck.error || rateError || expiry.error;
  const shown = (msg: string | null) => (touched ? msg : null);

  const reset = () => {
    setName('');
    setEnvironment('live');
    setScopes(new Set(PRESETS[0].scopes));
    setAgent(false);
    setOrigins('');
    setRateLimit('120');
    setExpires('');
    setTouched(false);
    action.setError(null);
  };
  const close = () => {
    reset();
    props.onClose();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (invalid) return;
    void action.run(async () => {
      const created = await api.post<CreatedKey>(rpath(slug, '/keys'), {
        name: name.trim(),
        environment,
        scopes: SCOPES.filter((s) => scopes.has(s)),
        allowedOrigins: originCheck.origins,
        rateLimitPerMinute: Number(rateLimit),
        expiresAt: expiry.iso,
      } satisfies NewKey);
      const forAgent = agent;
      reset();
      props.onCreated(created, forAgent);
    });
  };

  return (
    <Dialog open={props.open} title="Create an API key" wide onClose={close}>
      <form onSubmit={submit} noValidate className="form">
        <Field id={`${id}-name`} label="Name" error={shown(nameError)}>
          {(a11y) => <input {...a11y} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} required />}
        </Field>
        <fieldset className="field">
          <legend>Environment</legend>
          {(['live', 'test'] as const).map((env) => (
            <label key={env} className="inline">
              <input type="radio" name="environment" value={env} checked={environment === env} onChange={() => setEnvironment(env)} />{' '}
              {env === 'live' ? 'Live' : 'Test'}
            </label>
          ))}
        </fieldset>
        <fieldset className="field" aria-describedby={shown(scopeError) ? `${id}-scopes-err` : undefined}>
          <legend>Scopes</legend>
          <div className="preset-row" role="group" aria-label="Scope presets">
            {PRESETS.map((p) => (
              <button
                key={p.label}
                type="button"
                className="small-button"
                onClick={() => {
                  setScopes(new Set(p.scopes));
                  setAgent(p.agent === true);
                }}
              >
                {p.label}
              </button>
            ))}
            <button
              type="button"
              className="small-button"
              onClick={() => {
                setScopes(new Set());
                setAgent(false);
              }}
            >
              Clear
            </button>
          </div>
          <CheckboxGrid
            all={SCOPES}
            chosen={scopes}
            onChange={setScopes}
            label={(s) => (
              <span>
                <span className="mono">{s}</span>
                <span className="muted small"> — {SCOPE_DESCRIPTIONS[s]}</span>
              </span>
            )}
          />
          <FieldError id={`${id}-scopes-err`} message={shown(scopeError)} />
        </fieldset>
        {agent && <McpConnect />}
        <Field
          id={`${id}-origins`}
          label="Allowed origins (optional, one per line)"
          help="Browsers may use the key only from these sites. Empty: any origin (fine for a server)."
          error={shown(originCheck.error)}
        >
          {(a11y) => <textarea {...a11y} rows={2} value={origins} placeholder="https://www.example.com" onChange={(e) => setOrigins(e.target.value)} />}
        </Field>
        <div className="field-row">
          <Field id={`${id}-rate`} label="Rate limit (requests per minute)" error={shown(rateError)}>
            {(a11y) => (
              <input {...a11y} type="number" inputMode="numeric" min={1} max={1000} value={rateLimit} onChange={(e) => setRateLimit(e.target.value)} />
            )}
          </Field>
          <Field id={`${id}-expires`} label="Expires (optional)" error={shown(expiry.error)}>
            {(a11y) => <input {...a11y} type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />}
          </Field>
        </div>
        <ErrorBox error={action.error} title="The key was not created." />
        <FormActions submitLabel="Create key" busyLabel="Creating…" busy={action.busy} onCancel={close} />
      </form>
    </Dialog>
  );
}
