/** One webhook endpoint: its state, test, roll secret, enable/disable, delete, and its delivery log (redeliver). */
import { useEffect, useState } from 'react';
import { api, qs, rpath } from '../../api';
import { useNotify } from '../../components/Notify';
import { SecretDialog } from '../../components/SecretDialog';
import { ConfirmDialog, ErrorBox, Loading, useLoad } from '../../components/ui';
import { useAction } from '../../components/useAction';
import { useRestaurant } from '../../context';
import { formatDateTime, relative } from '../../format';
import { Link, navigate } from '../../router';
import type { CreatedEndpoint, Delivery, DeliveryPage, WebhookEndpoint } from '../../types';
import { DeliveryLog } from './DeliveryLog';
import { EndpointStatus, eventsLabel } from './EndpointStatus';

export function WebhookDetailPage({ endpointId }: { endpointId: string }) {
  const { slug } = useRestaurant();
  const notify = useNotify();
  const base = rpath(slug, `/webhooks/${endpointId}`);
  const endpoint = useLoad(() => api.get<WebhookEndpoint>(base), [base]);
  const deliveries = useLoad(() => api.get<DeliveryPage>(`${base}/deliveries${qs({ limit: 50 })}`), [base]);
  const [confirm, setConfirm] = useState<'roll' | 'delete' | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const action = useAction();
  const { busy } = action;
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

  const sendTest = () =>
    action.run(async () => {
      await api.post(`${base}/test`, {});
      notify('Test event sent. It appears in the delivery log below.');
      deliveries.reload();
    });

  const setEnabled = (enabled: boolean) =>
    action.run(async () => {
      endpoint.setData(await api.patch<WebhookEndpoint>(base, { enabled }));
      notify(enabled ? 'Endpoint enabled.' : 'Endpoint disabled.');
      deliveries.reload();
    });

  const redeliver = (d: Delivery) =>
    action.run(async () => {
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
          <ErrorBox error={action.error} />
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
        <DeliveryLog deliveries={deliveries.data.data} labelledBy="deliveries-title" busy={action.busy} onRedeliver={redeliver} />
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
      <SecretDialog
        open={secret !== null}
        title="The new signing secret"
        label="Signing secret"
        value={secret ?? ''}
        warning="Copy this secret now. You will not see it again."
        onClose={() => setSecret(null)}
      />
    </section>
  );
}
