/** The webhook event types (API.md §7). No Node imports: the dashboard bundles this file too. */
export const EVENT_TYPES = [
  'booking.created',
  'booking.updated',
  'booking.cancelled',
  'customer.created',
  'customer.updated',
  'waitlist.created',
  'waitlist.offered',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Subscribing to `*` means every event type, including types added later. */
export const ALL_EVENTS = '*';
