/**
 * One reservation: its details, the status changes staff make from it (seat, complete, no-show, cancel), and the emails
 * the guest got about it, with "Resend confirmation".
 */
import { type FormEvent, useEffect, useId, useState } from 'react';
import { api, rpath } from '../../api';
import { Dialog } from '../../components/Dialog';
import { useNotify } from '../../components/Notify';
import { Badge, ErrorBox } from '../../components/ui';
import { useAction } from '../../components/useAction';
import { useRestaurant } from '../../context';
import { formatDateTime, formatLocalDate } from '../../format';
import { Link } from '../../router';
import type { Message, Reservation, ReservationStatus } from '../../types';
import { MessageList } from '../messages/MessageList';
import { STATUS_TONE } from './status';
import { STATUS_LABEL } from './tonight-model';

export function ReservationDialog(props: { reservation: Reservation | null; onClose: () => void; onChanged: (r: Reservation) => void }) {
  const { slug } = useRestaurant();
  const notify = useNotify();
  const id = useId();
  const action = useAction();
  const { busy, error } = action;
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  /** Bumped when the emails change (a resend, a status change that sends one). */
  const [mailVersion, setMailVersion] = useState(0);
  const resend = useAction();
  const r = props.reservation;
  useEffect(() => {
    action.setError(null);
    resend.setError(null);
    setCancelling(false);
    setReason('');
  }, [r?.id]);

  const run = (what: () => Promise<Reservation>, done: string) =>
    action.run(async () => {
      const updated = await what();
      notify(done);
      setCancelling(false);
      setMailVersion((v) => v + 1);
      props.onChanged(updated);
    });
  const resendConfirmation = () =>
    resend.run(async () => {
      const m = await api.post<Message>(rpath(slug, `/reservations/${r!.id}/messages`), { kind: 'confirmation' });
      notify(`Confirmation queued for ${m.to}.`);
      setMailVersion((v) => v + 1);
    });
  const setStatus = (status: ReservationStatus, done: string) =>
    run(() => api.patch<Reservation>(rpath(slug, `/reservations/${r!.id}`), { status }), done);
  const cancel = (e: FormEvent) => {
    e.preventDefault();
    void run(
      () => api.post<Reservation>(rpath(slug, `/reservations/${r!.id}/cancel`), reason.trim() ? { reason: reason.trim() } : {}),
      'Booking cancelled.',
    );
  };
  const name = r?.customer?.name ?? 'Guest';

  return (
    <Dialog wide open={r !== null} title={r ? `${name} · ${r.time} · ${r.partySize} ${r.partySize === 1 ? 'guest' : 'guests'}` : ''} onClose={props.onClose}>
      {r && (
        <>
          <dl className="facts compact">
            <div>
              <dt>Status</dt>
              <dd>
                <Badge tone={STATUS_TONE[r.status]}>{STATUS_LABEL[r.status]}</Badge>
              </dd>
            </div>
            <div>
              <dt>Reference</dt>
              <dd className="mono">{r.reference}</dd>
            </div>
            <div>
              <dt>Date</dt>
              <dd>
                {formatLocalDate(r.date)} at {r.time}
              </dd>
            </div>
            <div>
              <dt>Table</dt>
              <dd>{r.tables.join(' + ') || (r.eventId ? 'Event seating' : '—')}</dd>
            </div>
            <div>
              <dt>Phone</dt>
              <dd>{r.customer?.phone ?? '—'}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{r.customer?.email ?? '—'}</dd>
            </div>
            <div>
              <dt>Source</dt>
              <dd>{r.source.replace('_', '-')}</dd>
            </div>
            <div>
              <dt>Booked</dt>
              <dd>{formatDateTime(r.createdAt)}</dd>
            </div>
            {r.notes && (
              <div className="wide">
                <dt>Notes</dt>
                <dd>{r.notes}</dd>
              </div>
            )}
            {r.cancellationReason && (
              <div className="wide">
                <dt>Cancellation reason</dt>
                <dd>{r.cancellationReason}</dd>
              </div>
            )}
          </dl>
          {r.customer && (
            <p>
              <Link to={`r/${slug}/guests/${r.customer.id}`} onClick={props.onClose}>
                Guest profile and history
              </Link>
            </p>
          )}
          <ErrorBox error={error} />
          {cancelling ? (
            <form className="form" onSubmit={cancel}>
              <div className="field">
                <label htmlFor={`${id}-reason`}>Reason (optional)</label>
                <input id={`${id}-reason`} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} data-autofocus />
              </div>
              <div className="actions">
                <button type="button" onClick={() => setCancelling(false)}>
                  Keep the booking
                </button>
                <button type="submit" className="danger" disabled={busy}>
                  Cancel the booking
                </button>
              </div>
            </form>
          ) : (
            <div className="actions">
              {r.status === 'confirmed' && (
                <>
                  <button type="button" className="primary" disabled={busy} onClick={() => setStatus('seated', `${name} seated.`)}>
                    Seat
                  </button>
                  <button type="button" disabled={busy} onClick={() => setStatus('no_show', `${name} marked as no-show.`)}>
                    No-show
                  </button>
                  <button type="button" className="danger-text" disabled={busy} onClick={() => setCancelling(true)}>
                    Cancel…
                  </button>
                </>
              )}
              {r.status === 'seated' && (
                <button type="button" className="primary" disabled={busy} onClick={() => setStatus('completed', `${name}'s table completed.`)}>
                  Complete
                </button>
              )}
              <button type="button" onClick={props.onClose}>
                Close
              </button>
            </div>
          )}
          <section className="booking-emails" aria-labelledby={`${id}-emails`}>
            <div className="emails-head">
              <h3 id={`${id}-emails`}>Emails to the guest</h3>
              {r.customer?.email && r.status === 'confirmed' && (
                <button type="button" className="small-button" disabled={resend.busy} onClick={() => void resendConfirmation()}>
                  {resend.busy ? 'Sending…' : 'Resend confirmation'}
                </button>
              )}
            </div>
            <ErrorBox error={resend.error} title="Not resent." />
            {r.customer?.email ? (
              <MessageList filter={{ reservationId: r.id }} version={mailVersion} caption={`Emails about booking ${r.reference}, newest first`} />
            ) : (
              <p className="muted small">No email address on this booking: the guest gets no email.</p>
            )}
          </section>
        </>
      )}
    </Dialog>
  );
}
