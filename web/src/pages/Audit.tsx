/** The audit log: who did what, newest first, page by page. Owners and managers. */
import { useState } from 'react';
import { api, qs, rpath } from '../api';
import { DataTable } from '../components/Table';
import { ErrorBox, Loading, useLoad } from '../components/ui';
import { useRestaurant } from '../context';
import { formatDateTime, relative } from '../format';
import type { AuditEntry, AuditPage } from '../types';

export function AuditPage() {
  const { slug, session } = useRestaurant();
  const [pages, setPages] = useState<AuditEntry[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const first = useLoad(async () => {
    const p = await api.get<AuditPage>(rpath(slug, `/audit${qs({ limit: 50 })}`));
    setPages([p.data]);
    setCursor(p.nextCursor);
    return p;
  }, [slug]);
  const more = async () => {
    setMoreError(null);
    try {
      const p = await api.get<AuditPage>(rpath(slug, `/audit${qs({ limit: 50, cursor })}`));
      setPages((list) => [...list, p.data]);
      setCursor(p.nextCursor);
    } catch (e) {
      setMoreError(e);
    }
  };
  const rows = pages.flat();
  const actor = (e: AuditEntry) => (e.actorType === 'user' && e.actorId === session.user.id ? 'you' : `${e.actorType}${e.actorId ? ` ${e.actorId}` : ''}`);
  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <h1 id="audit-title">Audit log</h1>
        <button type="button" onClick={first.reload}>
          Refresh
        </button>
      </div>
      <ErrorBox error={first.error} />
      {first.loading && !first.data && <Loading />}
      {first.data && rows.length === 0 && <p className="empty">Nothing recorded yet.</p>}
      {rows.length > 0 && (
        <DataTable caption="Audit log, newest first" columns={['When', 'Who', 'Action', 'Target', 'IP', 'Details']}>
          {rows.map((e) => (
            <tr key={e.id}>
              <td title={formatDateTime(e.at)}>{relative(e.at)}</td>
              <td className="small">{actor(e)}</td>
              <td className="mono">{e.action}</td>
              <td className="mono small">{[e.targetType, e.targetId].filter(Boolean).join(' ') || '—'}</td>
              <td className="small">{e.ip ?? '—'}</td>
              <td className="mono small details-cell">{Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <ErrorBox error={moreError} />
      {cursor && (
        <button type="button" onClick={more}>
          Load older entries
        </button>
      )}
    </section>
  );
}
