/**
 * The guest emails of a booking or of a guest, newest first: kind, status, when it went out, the mail server's reply when
 * it failed (or why a reminder was skipped); "Show" opens one (its subject, the HTML as a mail client shows it, the plain
 * text). Owners, managers and staff.
 */
import { useEffect, useId, useState } from 'react';
import { api, qs, rpath } from '../../api';
import { DataTable } from '../../components/Table';
import { Badge, ErrorBox, Loading, useLoad } from '../../components/ui';
import { useRestaurant } from '../../context';
import type { Message, MessageDetail, MessagePage } from '../../types';
import { EmailFrame } from './EmailFrame';
import { KIND_LABEL, STATUS_HELP, STATUS_LABEL, STATUS_TONE, whenSent } from './messages-model';

const PAGE = 20;
const POLL_MS = 1500;
const MAX_POLLS = 8;

export function MessageList(props: {
  /** Whose messages: a booking's or a guest's. */
  filter: { reservationId: string } | { customerId: string };
  /** Changes when the list must be read again (e.g. after "Resend confirmation"). */
  version?: number;
  caption: string;
}) {
  const { slug } = useRestaurant();
  const key = 'reservationId' in props.filter ? `r:${props.filter.reservationId}` : `c:${props.filter.customerId}`;
  const [more, setMore] = useState<{ list: Message[]; cursor: string | null; error: unknown } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const first = useLoad(async () => {
    setMore(null);
    return api.get<MessagePage>(rpath(slug, `/messages${qs({ ...props.filter, limit: PAGE })}`));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slug, key, props.version]);

  // An email due now is sent (or kept, without SMTP) within moments: read the list again a few times to show how it went.
  const [polls, setPolls] = useState(0);
  const due = first.data?.data.some((m) => m.status === 'pending' && Date.parse(m.sendAfter) <= Date.now()) ?? false;
  useEffect(() => {
    if (!due || polls >= MAX_POLLS) return;
    const t = setTimeout(() => {
      setPolls((n) => n + 1);
      first.reload();
    }, POLL_MS);
    return () => clearTimeout(t);
  }, [due, polls, first.data, first.reload]);
  useEffect(() => setPolls(0), [key, props.version]);

  if (first.error) return <ErrorBox error={first.error} title="The emails could not be read." />;
  if (!first.data) return <Loading what="Loading the emails" />;
  const list = [...first.data.data, ...(more?.list ?? [])];
  const cursor = more ? more.cursor : first.data.nextCursor;
  if (list.length === 0) return <p className="empty">No email yet.</p>;

  const loadMore = async () => {
    try {
      const page = await api.get<MessagePage>(rpath(slug, `/messages${qs({ ...props.filter, limit: PAGE, cursor })}`));
      setMore({ list: [...(more?.list ?? []), ...page.data], cursor: page.nextCursor, error: null });
    } catch (e) {
      setMore({ list: more?.list ?? [], cursor, error: e });
    }
  };

  const kept = list.some((m) => m.status === 'not_sent');
  return (
    <>
      {kept && (
        <p className="muted small">
          “Not sent”: no mail server is configured on this server (MAITRE_SMTP_URL), so emails are written and kept here, not sent.
        </p>
      )}
      <DataTable caption={props.caption} columns={['Email', 'Status', 'Sent', 'Details', { label: 'Open', hidden: true }]} className="messages">
        {list.map((m) => (
          <MessageRow key={m.id} m={m} open={open === m.id} onToggle={() => setOpen(open === m.id ? null : m.id)} />
        ))}
      </DataTable>
      {open && <MessageView id={open} />}
      <ErrorBox error={more?.error} />
      {cursor && (
        <button type="button" className="small-button" onClick={() => void loadMore()}>
          Show older emails
        </button>
      )}
    </>
  );
}

function MessageRow({ m, open, onToggle }: { m: Message; open: boolean; onToggle: () => void }) {
  return (
    <tr data-message-id={m.id} data-message-status={m.status}>
      <th scope="row">
        {KIND_LABEL[m.kind]}
        <span className="muted small"> · {m.language.toUpperCase()}</span>
        <span className="message-to muted small">to {m.to}</span>
      </th>
      <td>
        <Badge tone={STATUS_TONE[m.status]}>{STATUS_LABEL[m.status]}</Badge>
        <span className="sr-only">: {STATUS_HELP[m.status]}</span>
        {m.attempts > 1 && <span className="muted small"> · {m.attempts} attempts</span>}
      </td>
      <td>{whenSent(m)}</td>
      <td className="break">
        {!m.lastError || m.status === 'not_sent' ? (
          <span className="muted">—</span>
        ) : (
          <span className={m.status === 'skipped' ? 'muted small' : 'message-error'}>{m.lastError}</span>
        )}
      </td>
      <td>
        <button type="button" className="small-button" aria-expanded={open} onClick={onToggle}>
          {open ? 'Hide' : 'Show'}
          <span className="sr-only"> the {KIND_LABEL[m.kind].toLowerCase()} email</span>
        </button>
      </td>
    </tr>
  );
}

/** One message as the guest got it (or would have): subject, HTML, plain text, whether a calendar file was attached. */
function MessageView({ id }: { id: string }) {
  const { slug } = useRestaurant();
  const headingId = useId();
  const detail = useLoad(() => api.get<MessageDetail>(rpath(slug, `/messages/${encodeURIComponent(id)}`)), [slug, id]);
  const m = detail.data;
  return (
    <section className="message-view" aria-labelledby={headingId}>
      <ErrorBox error={detail.error} />
      {!m && !detail.error && <Loading what="Loading the email" />}
      {m && (
        <>
          <h3 id={headingId}>
            {KIND_LABEL[m.kind]} email: “{m.subject}”
          </h3>
          {m.html !== null && m.text !== null ? (
            <EmailRender subject={m.subject} html={m.html} text={m.text} ics={m.ics} />
          ) : (
            <p className="muted">
              {m.status === 'skipped'
                ? 'Never written: this reminder was skipped before its time. A reminder is written when it goes out.'
                : 'Never written: this reminder could not be written when it fell due (the server log says why).'}
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** An email's two parts (and whether a calendar file goes with it): shared by a message and the Settings preview. */
export function EmailRender(props: { subject: string; html: string; text: string; ics: string | null }) {
  return (
    <div className="email-render">
      <p className="small">
        <strong>Subject:</strong> {props.subject}
        {props.ics && <span className="muted"> · with a calendar file (.ics)</span>}
      </p>
      <EmailFrame html={props.html} title={`HTML version of “${props.subject}”`} />
      <details>
        <summary>Plain-text version</summary>
        <pre className="email-text">{props.text}</pre>
      </details>
    </div>
  );
}
