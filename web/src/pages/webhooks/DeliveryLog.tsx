/** An endpoint's deliveries, newest first: event, status, attempts with their responses, and Redeliver. */
import { Badge } from '../../components/ui';
import { formatDateTime, relative } from '../../format';
import type { Delivery } from '../../types';

const DELIVERY_TONE = { pending: 'blue', delivering: 'blue', succeeded: 'green', failed: 'amber', dead: 'red' } as const;

export function DeliveryLog(props: { deliveries: Delivery[]; labelledBy: string; busy: boolean; onRedeliver: (d: Delivery) => void }) {
  return (
    <ul className="delivery-list" aria-labelledby={props.labelledBy}>
      {props.deliveries.map((d) => (
        <li key={d.id} className="delivery" data-delivery-status={d.status}>
          <div className="delivery-head">
            <span className="mono">{d.eventType}</span>
            <Badge tone={DELIVERY_TONE[d.status]}>{d.status}</Badge>
            <span className="muted small">
              {formatDateTime(d.eventCreatedAt)} · {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
              {d.lastStatusCode !== null && ` · last HTTP ${d.lastStatusCode}`}
              {d.nextAttemptAt && d.status !== 'succeeded' && ` · next ${relative(d.nextAttemptAt)}`}
            </span>
            <button type="button" className="small-button" onClick={() => props.onRedeliver(d)} disabled={props.busy || d.status === 'delivering'}>
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
  );
}
