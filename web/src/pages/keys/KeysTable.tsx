/** The keys table: name (with Test and System badges), prefix, scopes, status, dates, and each row's actions. */
import { Badge } from '../../components/ui';
import { DataTable } from '../../components/Table';
import { formatDate, formatDateTime, relative } from '../../format';
import { Link } from '../../router';
import { SCOPES, type ApiKey, type KeyStatus, type Scope } from '../../types';

const STATUS: Record<KeyStatus, { label: string; tone: 'green' | 'amber' | 'red' | 'grey' }> = {
  active: { label: 'Active', tone: 'green' },
  rotating: { label: 'Rotating', tone: 'amber' },
  revoked: { label: 'Revoked', tone: 'red' },
  expired: { label: 'Expired', tone: 'grey' },
};

export function KeyStatusBadge({ status }: { status: KeyStatus }) {
  return <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>;
}

export type KeyAction = { kind: 'rotate' | 'revoke' | 'delete'; key: ApiKey };

const COLUMNS = ['Name', 'Prefix', 'Scopes', 'Status', 'Last used', 'Created', 'Expires', { label: 'Actions', hidden: true }];

export function KeysTable({ slug, keys, onAction }: { slug: string; keys: ApiKey[]; onAction: (a: KeyAction) => void }) {
  return (
    <DataTable caption="API keys of this restaurant" columns={COLUMNS} className="keys-table">
      {keys.map((k) => (
        <tr key={k.id} data-key-id={k.id}>
          <th scope="row">
            <Link to={`r/${slug}/keys/${k.id}`}>{k.name}</Link>
            {k.environment === 'test' && (
              <>
                {' '}
                <Badge tone="violet">Test</Badge>
              </>
            )}
            {k.system && (
              <>
                {' '}
                <Badge tone="blue">System</Badge>
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
            {k.system ? <span className="muted small">Managed by the server: the /demo page uses it.</span> : <KeyActions k={k} onAction={onAction} />}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/** Rotate (an active key), revoke (active or rotating), delete: the buttons of one row. */
function KeyActions({ k, onAction }: { k: ApiKey; onAction: (a: KeyAction) => void }) {
  return (
    <>
      {k.status === 'active' && (
        <button type="button" onClick={() => onAction({ kind: 'rotate', key: k })} aria-label={`Rotate ${k.name}`}>
          Rotate
        </button>
      )}
      {(k.status === 'active' || k.status === 'rotating') && (
        <button type="button" onClick={() => onAction({ kind: 'revoke', key: k })} aria-label={`Revoke ${k.name}`}>
          Revoke
        </button>
      )}
      <button type="button" className="danger-text" onClick={() => onAction({ kind: 'delete', key: k })} aria-label={`Delete ${k.name}`}>
        Delete
      </button>
    </>
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
