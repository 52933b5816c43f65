/** Webhooks: the endpoints, and adding one (its signing secret shown once). Each endpoint's page: WebhookDetailPage. */
import { useState } from 'react';
import { api, qs, rpath } from '../../api';
import { useNotify } from '../../components/Notify';
import { SecretDialog } from '../../components/SecretDialog';
import { DataTable } from '../../components/Table';
import { ErrorBox, Loading, useLoad } from '../../components/ui';
import { useRestaurant } from '../../context';
import { formatDateTime, relative } from '../../format';
import { Link, navigate } from '../../router';
import type { CreatedEndpoint, WebhookEndpointPage } from '../../types';
import { AddEndpointDialog } from './AddEndpointDialog';
import { EndpointStatus, eventsLabel } from './EndpointStatus';

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
        <DataTable caption="Webhook endpoints" columns={['URL', 'Events', 'Status', 'Last success', 'Created']}>
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
        </DataTable>
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
      <SecretDialog
        open={secret !== null}
        title="Endpoint added: its signing secret"
        label={`Signing secret of ${secret?.url}`}
        value={secret?.secret ?? ''}
        warning="Copy this secret now. You will not see it again."
        onClose={() => setSecret(null)}
        actions={
          <>
            <button type="button" onClick={() => setSecret(null)}>
              Close
            </button>
            <button type="button" className="primary" onClick={() => navigate(`r/${slug}/webhooks/${secret?.id}`)}>
              Open the endpoint
            </button>
          </>
        }
      >
        <p className="muted small">
          Verify the <span className="mono">webhook-signature</span> (Standard Webhooks) or <span className="mono">X-Maitre-Signature</span> header
          of every request with it.
        </p>
      </SecretDialog>
    </section>
  );
}
