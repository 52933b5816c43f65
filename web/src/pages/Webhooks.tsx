/** Webhooks: endpoints, add (secret shown once), and per endpoint its delivery log, test, roll secret, redeliver. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, qs, rpath } from '../api';
import { Dialog } from '../components/Dialog';
import { useNotify } from '../components/Notify';
import { Badge, ConfirmDialog, ErrorBox, Loading, SecretReveal, useLoad } from '../components/ui';
import { useRestaurant } from '../context';
import { formatDateTime, relative } from '../format';
import { Link, navigate } from '../router';
import { EVENT_TYPES, type CreatedEndpoint, type Delivery, type DeliveryPage, type EventType, type NewWebhookEndpoint, type WebhookEndpoint, type WebhookEndpointPage } from '../types';

function EndpointStatus({ e }: { e: WebhookEndpoint }) {
  if (!e.enabled) return <Badge tone="red">Disabled</Badge>;
  if (e.failingSince) return <Badge tone="amber">Failing</Badge>;
  return <Badge tone="green">Enabled</Badge>;
}

const eventsLabel = (events: string[]) => (events.includes('*') ? 'All events' : events.join(', '));

export function WebhooksPage() {
  const { slug } = useRestaurant();
  const notify = useNotify();
  const list = useLoad(() => api.get<WebhookEndpointPage>(rpath(slug, `/webhooks${qs({ limit: 100 })}`)).then((r) => r.data), [slug]);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<CreatedEndpoint | null>(null);

  return (
    <section aria-labelledby="webhooks-title">
      <div className="page-head">
        <h1 id="webhooks-title">Webhooks</h1>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add endpoint
        </button>
      </div>
      <p className="lead">Maitre sends a signed HTTPS request to your endpoints when bookings, guests or the waitlist change.</p>
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading what="Loading endpoints" />}
      {list.data && list.data.length === 0 && <p className="empty">No endpoint yet.</p>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="sr-only">Webhook endpoints</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">Last success</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((e) => (
                <tr key={e.id}>
                  <th scope="row" className="url-cell">
                    <Link to={`r/${slug}/webhooks/${e.id}`}>{e.url}</Link>
                    {e.description && <div className="muted small">{e.description}</div>}
                  </th>
                  <td className="small">{eventsLabel(e.events)}</td>
                  <td>
                    <EndpointStatus e={e} />
                    {!e.enabled && e.disabledReason && <div className="muted small">{e.disabledReason}</div>}
                  </td>
                  <td>{relative(e.lastSuccessAt)}</td>
                  <td>{formatDateTime(e.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AddEndpointDialog
        open={adding}
        onClose={() => setAdding(false)}
        onCreated={(created) => {
          setAdding(false);
          setSecret(created);
          notify('Endpoint added.');
          list.reload();
        }}
      />
      <Dialog open={secret !== null} title="Endpoint added: its signing secret" onClose={() => setSecret(null)}>
        {secret && (
          <>
            <SecretReveal
              label={`Signing secret of ${secret.url}`}
              value={secret.secret}
              warning="Copy this secret now. You will not see it again."
            />
            <p className="muted small">
              Verify the <span className="mono">webhook-signature</span> (Standard Webhooks) or <span className="mono">X-Maitre-Signature</span> header
              of every request with it.
            </p>
            <div className="actions">
              <button type="button" onClick={() => setSecret(null)}>
                Close
              </button>
              <button type="button" className="primary" onClick={() => navigate(`r/${slug}/webhooks/${secret.id}`)}>
                Open the endpoint
              </button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}

function AddEndpointDialog(props: { open: boolean; onClose: () => void; onCreated: (e: CreatedEndpoint) => void }) {
  const { slug } = useRestaurant();
  const id = useId();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [all, setAll] = useState(true);
  const [events, setEvents] = useState<Set<EventType>>(new Set(['booking.created', 'booking.updated', 'booking.cancelled']));
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  let urlError: string | null = null;
  try {
    const u = new URL(url.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') urlError = 'Use an https:// URL.';
  } catch {
    urlError = 'Enter the full URL, e.g. https://example.com/maitre/webhooks.';
  }
  const eventsError = !all && events.size === 0 ? 'Choose at least one event.' : null;

  const close = () => {
    setUrl('');
    setDescription('');
    setTouched(false);
    setError(null);
    props.onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (urlError || eventsError) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<CreatedEndpoint>(rpath(slug, '/webhooks'), {
        url: url.trim(),
        events: all ? ['*'] : [...events],
        description: description.trim() || null,
      } satisfies NewWebhookEndpoint);
      setUrl('');
      setDescription('');
      setTouched(false);
      props.onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={props.open} title="Add a webhook endpoint" onClose={close} wide>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-url`}>Endpoint URL</label>
          <input
            id={`${id}-url`}
            type="url"
            value={url}
            placeholder="https://example.com/maitre/webhooks"
            onChange={(e) => setUrl(e.target.value)}
            aria-invalid={touched && !!urlError}
            aria-describedby={touched && urlError ? `${id}-url-err` : undefined}
          />
          {touched && urlError && (
            <p className="field-error" id={`${id}-url-err`}>
              {urlError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${id}-desc`}>Description (optional)</label>
          <input id={`${id}-desc`} value={description} maxLength={500} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <fieldset className="field">
          <legend>Events</legend>
          <label className="check">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> All events, including types added later
          </label>
          {!all && (
            <div className="scope-grid">
              {EVENT_TYPES.map((t) => (
                <label key={t} className="check">
                  <input
                    type="checkbox"
                    checked={events.has(t)}
                    onChange={(e) =>
                      setEvents((prev) => {
                        const next = new Set(prev);
                        if (e.target.checked) next.add(t);
                        else next.delete(t);
                        return next;
                      })
                    }
                  />{' '}
                  <span className="mono">{t}</span>
                </label>
              ))}
            </div>
          )}
          {touched && eventsError && <p className="field-error">{eventsError}</p>}
        </fieldset>
        <ErrorBox error={error} title="The endpoint was not added." />
        <div className="actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add endpoint'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const DELIVERY_TONE = { pending: 'blue', delivering: 'blue', succeeded: 'green', failed: 'amber', dead: 'red' } as const;

export function WebhookDetailPage({ endpointId }: { endpointId: string }) {
  const { slug } = useRestaurant();
  const notify = useNotify();
  const base = rpath(slug, `/webhooks/${endpointId}`);
  const endpoint = useLoad(() => api.get<WebhookEndpoint>(base), [base]);
  const deliveries = useLoad(() => api.get<DeliveryPage>(`${base}/deliveries${qs({ limit: 50 })}`), [base]);
  const [confirm, setConfirm] = useState<'roll' | 'delete' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const e = endpoint.data;

  // While something is on its way, look again every two seconds.
  const inFlight = deliveries.data?.data.some((d) => d.status === 'pending' || d.status === 'delivering') ?? false;
  useEffect(() => {
    if (!inFlight) return;
    const t = setInterval(() => {
      deliveries.reload();
      endpoint.reload();
    }, 2000);
    return () => clearInterval(t);
  }, [inFlight, deliveries.reload, endpoint.reload]);

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const sendTest = () =>
    act(async () => {
      await api.post(`${base}/test`, {});
      notify('Test event sent. It appears in the delivery log below.');
      deliveries.reload();
    });

  const setEnabled = (enabled: boolean) =>
    act(async () => {
      endpoint.setData(await api.patch<WebhookEndpoint>(base, { enabled }));
      notify(enabled ? 'Endpoint enabled.' : 'Endpoint disabled.');
      deliveries.reload();
    });

  const redeliver = (d: Delivery) =>
    act(async () => {
      await api.post(`${base}/deliveries/${d.id}/redeliver`, {});
      notify(`Delivery of ${d.eventType} scheduled again.`);
      deliveries.reload();
    });

  return (
    <section aria-labelledby="endpoint-title">
      <p className="breadcrumb">
        <Link to={`r/${slug}/webhooks`}>← Webhooks</Link>
      </p>
      <ErrorBox error={endpoint.error} />
      {endpoint.loading && !e && <Loading />}
      {e && (
        <>
          <div className="page-head">
            <h1 id="endpoint-title" className="url-title">
              {e.url}
            </h1>
            <EndpointStatus e={e} />
          </div>
          {!e.enabled && (
            <div className="banner banner-danger" role="alert">
              <strong>This endpoint is disabled.</strong> {e.disabledReason ? `Reason: ${e.disabledReason}.` : ''}{' '}
              {e.disabledAt ? `Since ${formatDateTime(e.disabledAt)}.` : ''} No event is sent to it until you enable it again.
              <div>
                <button type="button" className="primary" onClick={() => setEnabled(true)} disabled={busy}>
                  Enable again
                </button>
              </div>
            </div>
          )}
          {e.enabled && e.failingSince && (
            <div className="banner banner-warning" role="status">
              Deliveries have been failing since {formatDateTime(e.failingSince)}. Maitre retries with backoff, then marks them dead.
            </div>
          )}
          <dl className="facts">
            <div>
              <dt>Events</dt>
              <dd>{eventsLabel(e.events)}</dd>
            </div>
            <div>
              <dt>Description</dt>
              <dd>{e.description ?? '—'}</dd>
            </div>
            <div>
              <dt>Last success</dt>
              <dd>{relative(e.lastSuccessAt)}</dd>
            </div>
            {e.previousSecretExpiresAt && (
              <div>
                <dt>Previous secret</dt>
                <dd>still signs until {formatDateTime(e.previousSecretExpiresAt)}</dd>
              </div>
            )}
          </dl>
          <div className="toolbar">
            <button type="button" className="primary" onClick={sendTest} disabled={busy || !e.enabled}>
              Send test event
            </button>
            <button type="button" onClick={() => setConfirm('roll')} disabled={busy}>
              Roll secret
            </button>
            {e.enabled && (
              <button type="button" onClick={() => setEnabled(false)} disabled={busy}>
                Disable
              </button>
            )}
            <button type="button" className="danger-text" onClick={() => setConfirm('delete')} disabled={busy}>
              Delete endpoint
            </button>
          </div>
          <ErrorBox error={error} />
        </>
      )}

      <div className="page-head section-head">
        <h2 id="deliveries-title">Delivery log</h2>
        <button type="button" onClick={deliveries.reload}>
          Refresh
        </button>
      </div>
      <ErrorBox error={deliveries.error} />
      {deliveries.data && deliveries.data.data.length === 0 && <p className="empty">Nothing delivered yet. Send a test event.</p>}
      {deliveries.data && deliveries.data.data.length > 0 && (
        <ul className="delivery-list" aria-labelledby="deliveries-title">
          {deliveries.data.data.map((d) => (
            <li key={d.id} className="delivery" data-delivery-status={d.status}>
              <div className="delivery-head">
                <span className="mono">{d.eventType}</span>
                <Badge tone={DELIVERY_TONE[d.status]}>{d.status}</Badge>
                <span className="muted small">
                  {formatDateTime(d.eventCreatedAt)} · {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
                  {d.lastStatusCode !== null && ` · last HTTP ${d.lastStatusCode}`}
                  {d.nextAttemptAt && d.status !== 'succeeded' && ` · next ${relative(d.nextAttemptAt)}`}
                </span>
                <button type="button" className="small-button" onClick={() => redeliver(d)} disabled={busy || d.status === 'delivering'}>
                  Redeliver
                </button>
              </div>
              {d.attemptLog.length > 0 && (
                <details>
                  <summary>Attempts and responses</summary>
                  <ol className="attempts">
                    {d.attemptLog.map((a) => (
                      <li key={a.attempt}>
                        <span>
                          #{a.attempt} · {formatDateTime(a.at)} · {a.statusCode !== null ? `HTTP ${a.statusCode}` : 'no answer'}
                          {a.durationMs !== null && ` · ${a.durationMs} ms`}
                          {a.error && ` · ${a.error}`}
                        </span>
                        {a.responseExcerpt && <pre className="excerpt">{a.responseExcerpt}</pre>}
                      </li>
                    ))}
                  </ol>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}

      <ConfirmDialog
        open={confirm === 'roll'}
        title="Roll the signing secret?"
        confirmLabel="Roll secret"
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          const rolled = await api.post<CreatedEndpoint>(`${base}/roll-secret`, {});
          endpoint.setData(rolled);
          setSecret(rolled.secret);
        }}
      >
        <p>A new secret signs every request from now on. The previous one keeps signing too, for 24 hours, while you update your receiver.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        danger
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          await api.del(base);
          notify('Endpoint deleted.');
          navigate(`r/${slug}/webhooks`);
        }}
      >
        <p>It stops receiving events, and its delivery log is removed. This cannot be undone.</p>
      </ConfirmDialog>
      <Dialog open={secret !== null} title="The new signing secret" onClose={() => setSecret(null)}>
        {secret && (
          <>
            <SecretReveal label="Signing secret" value={secret} warning="Copy this secret now. You will not see it again." />
            <div className="actions">
              <button type="button" className="primary" onClick={() => setSecret(null)}>
                I have copied it
              </button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}
