/** One key: its settings, 30 days of requests by status class, and the latest requests. */
import { api, rpath } from '../../api';
import { UsageChart } from '../../components/UsageChart';
import { ErrorBox, Loading, useLoad } from '../../components/ui';
import { useRestaurant } from '../../context';
import { formatDateTime, relative } from '../../format';
import { Link } from '../../router';
import type { ApiKey, KeyUsage } from '../../types';
import { KeyStatusBadge } from './KeysTable';

export function KeyUsagePage({ keyId }: { keyId: string }) {
  const { slug } = useRestaurant();
  const data = useLoad(
    () => Promise.all([api.get<ApiKey>(rpath(slug, `/keys/${keyId}`)), api.get<KeyUsage>(rpath(slug, `/keys/${keyId}/usage`))]),
    [slug, keyId],
  );
  const [key, usage] = data.data ?? [];
  return (
    <section aria-labelledby="usage-title">
      <p className="breadcrumb">
        <Link to={`r/${slug}/keys`}>← API keys</Link>
      </p>
      <div className="page-head">
        <h1 id="usage-title">{key ? `Usage of “${key.name}”` : 'Key usage'}</h1>
        <button type="button" onClick={data.reload}>
          Refresh
        </button>
      </div>
      <ErrorBox error={data.error} />
      {data.loading && !data.data && <Loading />}
      {key && usage && (
        <>
          <dl className="facts">
            <div>
              <dt>Prefix</dt>
              <dd className="mono">{key.prefix}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <KeyStatusBadge status={key.status} />
              </dd>
            </div>
            <div>
              <dt>Environment</dt>
              <dd>{key.environment === 'live' ? 'Live' : 'Test'}</dd>
            </div>
            <div>
              <dt>Rate limit</dt>
              <dd>{key.rateLimitPerMinute} / minute</dd>
            </div>
            <div>
              <dt>Allowed origins</dt>
              <dd>{key.allowedOrigins.length ? key.allowedOrigins.join(', ') : 'Any'}</dd>
            </div>
            <div>
              <dt>Last used</dt>
              <dd>{relative(lastUsed(key.lastUsedAt, usage.recent[0]?.at))}</dd>
            </div>
            <div>
              <dt>Scopes</dt>
              <dd className="mono small">{key.scopes.join(', ')}</dd>
            </div>
          </dl>
          <h2>Requests per day (last 30 days, UTC)</h2>
          <UsageChart daily={usage.daily} />
          <h2>Latest requests</h2>
          {usage.recent.length === 0 ? (
            <p className="empty">No request made with this key yet.</p>
          ) : (
            <div className="table-wrap">
              <table className="data-table log-table">
                <caption className="sr-only">The most recent requests made with this key</caption>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Request</th>
                    <th scope="col">Status</th>
                    <th scope="col">Origin</th>
                    <th scope="col">Duration</th>
                  </tr>
                </thead>
                <tbody>
                  {usage.recent.map((r, i) => (
                    <tr key={`${r.at}-${i}`}>
                      <td>{formatDateTime(r.at)}</td>
                      <td className="mono">
                        {r.method} {r.route}
                      </td>
                      <td>
                        <span className={`status-code status-${String(r.status)[0]}xx`}>{r.status}</span>
                      </td>
                      <td>{r.origin ?? '—'}</td>
                      <td>{r.durationMs === null ? '—' : `${Math.round(r.durationMs)} ms`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/**
 * The key and its log are read by two concurrent requests, so a usage batch written between them can put a request in
 * the log while the key still says "never used": the page shows the later of the two, never a log that contradicts it.
 */
function lastUsed(keyLastUsedAt: string | null, newestLogged: string | undefined): string | null {
  if (!newestLogged) return keyLastUsedAt;
  if (!keyLastUsedAt) return newestLogged;
  return Date.parse(newestLogged) > Date.parse(keyLastUsedAt) ? newestLogged : keyLastUsedAt;
}
