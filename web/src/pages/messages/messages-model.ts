/** Guest emails as people read them: the kinds' and statuses' names, the status colours, when a message went out. */
import { formatDateTime } from '../../format';
import type { Message, MessageKind, MessageStatus } from '../../types';

export const KIND_LABEL: Record<MessageKind, string> = {
  confirmation: 'Confirmation',
  change: 'Change',
  cancellation: 'Cancellation',
  reminder: 'Reminder',
  waitlist_offer: 'Waitlist offer',
};

export const KINDS = Object.keys(KIND_LABEL) as MessageKind[];

export const STATUS_LABEL: Record<MessageStatus, string> = {
  pending: 'Pending',
  sent: 'Sent',
  failed: 'Failed',
  not_sent: 'Not sent',
  skipped: 'Skipped',
};

export const STATUS_TONE = { pending: 'blue', sent: 'green', failed: 'red', not_sent: 'grey', skipped: 'grey' } as const satisfies Record<
  MessageStatus,
  string
>;

/** What the status means, for the status badge's neighbour (screen readers and the curious). */
export const STATUS_HELP: Record<MessageStatus, string> = {
  pending: 'Queued; retried after a temporary failure',
  sent: 'Accepted by the mail server',
  failed: 'Refused by the mail server, or retries exhausted',
  not_sent: 'Email is not configured on this server: kept, not sent',
  skipped: 'No longer needed (the booking changed or was cancelled)',
};

/** "12 Dec 2026, 19:05" when sent; "scheduled for …" while pending; "—" otherwise. */
export function whenSent(m: Message): string {
  if (m.sentAt) return formatDateTime(m.sentAt);
  if (m.status === 'pending') return `scheduled for ${formatDateTime(m.sendAfter)}`;
  return '—';
}
