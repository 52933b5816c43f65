/**
 * Constants both sides use: the server (validation, OpenAPI, CLI) and the dashboard (web/, bundled by Vite). This file
 * imports nothing, so the dashboard reaches no server code through it; keep it that way.
 */

/** The scopes of API.md §2, in their canonical order. */
export const SCOPES = [
  'config:read',
  'availability:read',
  'reservations:read',
  'reservations:write',
  'reservations:cancel',
  'waitlist:write',
  'customers:read',
  'customers:write',
  'webhooks:test',
  'webhooks:write',
] as const;

export type Scope = (typeof SCOPES)[number];

/** What each scope grants, as the dashboard and the documentation say it. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'config:read': 'Restaurant profile, areas, tables, services and booking policy',
  'availability:read': 'Free slots, opening hours and events',
  'reservations:read': 'Read reservations and the waitlist',
  'reservations:write': 'Create and change reservations',
  'reservations:cancel': 'Cancel reservations',
  'waitlist:write': 'Create waitlist entries',
  'customers:read': 'Read guest profiles',
  'customers:write': 'Create and update guest profiles',
  'webhooks:test': 'Dispatch a signed test event',
  'webhooks:write': 'Manage webhook endpoints',
};

/** The webhook event types (API.md §7). */
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
