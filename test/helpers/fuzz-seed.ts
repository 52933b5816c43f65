/**
 * A restaurant with one object of every kind a route can name by id (reservation, customer, waitlist entry, webhook
 * endpoint and delivery, key, special event), made through the real API, plus an owner's session. Shared by the
 * route fuzzer and the tenant-isolation matrix, which also map every `{param}` of the OpenAPI documents to one of
 * these kinds (`idKindOf`) so that a new route with an id it cannot name fails loudly.
 */
import assert from 'node:assert/strict';
import { SCOPES } from '../../src/modules/keys/scopes.js';
import type { TestApp } from './app.js';
import { signIn } from './admin.js';
import { bistro, booking, createTenant } from './booking.js';

/** A Tuesday after MONDAY_9Z: lunch and dinner are served. */
export const SEED_DATE = '2026-03-03';

export type IdKind = 'restaurant' | 'reservation' | 'customer' | 'waitlist' | 'webhook' | 'delivery' | 'key' | 'event' | 'message';

export interface SeededTenant {
  id: string;
  slug: string;
  key: string;
  keyId: string;
  /** Cookie and JSON headers of a signed-in owner. */
  admin: Record<string, string>;
  sessionToken: string;
  /** The owner's user id (to mint a new session without a rate-limited login). */
  userId: string;
  /** Every id per kind (reservation ids and references both under `reservation`). */
  ids: Record<IdKind, string[]>;
  /** A booking's reference and contact (guest self-service). */
  guest: { reference: string; contact: string };
}

function ok(res: { statusCode: number; body: string }, status: number, what: string) {
  assert.equal(res.statusCode, status, `seeding ${what}: ${res.body.slice(0, 300)}`);
}

/** Seeds one restaurant. The app must allow private webhook URLs (config `webhookAllowPrivate: true`). */
export async function seedTenant(t: TestApp, opts: { rateLimitPerMinute?: number } = {}): Promise<SeededTenant> {
  const tenant = await createTenant(t.app, bistro(), [...SCOPES], { rateLimitPerMinute: opts.rateLimitPerMinute ?? 1000 });
  const session = await signIn(t, tenant.id, 'owner');
  const seeded: SeededTenant = {
    id: tenant.id, slug: tenant.slug, key: tenant.key, keyId: tenant.keyId, admin: session.headers, sessionToken: session.token,
    userId: session.user.id, guest: { reference: '', contact: '' },
    ids: { restaurant: [tenant.id, tenant.slug], reservation: [], customer: [], waitlist: [], webhook: [], delivery: [], key: [tenant.keyId], event: [], message: [] },
  };
  await seedObjects(t, seeded);
  return seeded;
}

let round = 0;

/**
 * Adds one more object of every kind to a seeded restaurant (ids appended: earlier ones stay, deleted or not), through
 * the API with its current key and session. The fuzzer calls it again when its own requests have deleted things.
 */
export async function seedObjects(t: TestApp, s: SeededTenant): Promise<void> {
  round += 1;
  const key = { authorization: `Bearer ${s.key}` };
  const post = (path: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/v1/restaurants/${s.slug}${path}`, headers: { ...key, 'content-type': 'application/json' }, payload });
  const adminPost = (path: string, payload: object) =>
    t.app.inject({ method: 'POST', url: `/admin/api/restaurants/${s.slug}${path}`, headers: { 'content-type': 'application/json', cookie: `maitre_session=${s.sessionToken}` }, payload });

  const endpoint = { url: 'http://127.0.0.1:9/hook', events: ['booking.created', 'booking.cancelled'] };
  let hook = await post('/webhooks', endpoint);
  if (hook.statusCode === 409) {
    // At the per-restaurant limit (the fuzzer creates endpoints too): keep the three newest seeded ones, delete the rest.
    const list = await t.app.inject({ method: 'GET', url: `/v1/restaurants/${s.slug}/webhooks?limit=100`, headers: key });
    for (const e of list.json().data as { id: string }[]) {
      if (!s.ids.webhook.slice(-3).includes(e.id)) await t.app.inject({ method: 'DELETE', url: `/v1/restaurants/${s.slug}/webhooks/${e.id}`, headers: key });
    }
    hook = await post('/webhooks', endpoint);
  }
  ok(hook, 201, 'webhook endpoint');
  s.ids.webhook.push(hook.json().id);

  const booked: string[] = [];
  // The seed date first; later days when the fuzzer's own bookings have filled its slots.
  const tries = [SEED_DATE, '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07'].flatMap((date) =>
    ([['19:30', 2], ['12:00', 4], ['20:00', 3], ['21:00', 2], ['13:00', 2]] as const).map(([time, size]) => ({ date, time, size })));
  for (const { date, time, size } of tries) {
    if (booked.length === 3) break;
    const body = booking(date, time, size);
    const res = await post('/reservations', body);
    if (res.statusCode !== 201) continue;
    const r = res.json();
    booked.push(r.id);
    s.ids.reservation.push(r.id, r.reference);
    s.ids.customer.push(r.customer.id);
    s.guest = { reference: r.reference, contact: body.customer.email };
  }
  assert.equal(booked.length, 3, 'seeding reservations');
  if (booked.length > 1) ok(await post(`/reservations/${booked[booked.length - 1]}/cancel`, { reason: 'seed' }), 200, 'cancellation');

  const customer = await post('/customers', { name: 'Seed Customer', email: `seed-${round}-${s.slug}@example.com`, tags: ['vip'] });
  ok(customer, 201, 'customer');
  s.ids.customer.push(customer.json().id);

  const wl = await post('/waitlist', { date: SEED_DATE, partySize: 2, customer: { name: 'Waiting Guest', email: `wl-${round}-${s.slug}@example.com` } });
  ok(wl, 201, 'waitlist entry');
  s.ids.waitlist.push(wl.json().id);

  const test = await post('/webhooks/test', { endpointId: hook.json().id });
  ok(test, 202, 'webhook test');
  s.ids.delivery.push(...test.json().deliveries.map((d: { id: string }) => d.id));

  const event = await adminPost('/events', { key: `jazz-${round}`, name: 'Jazz night', date: '2026-03-05', start: '20:00', end: '23:00', capacity: 20 });
  ok(event, 201, 'event');
  s.ids.event.push(event.json().id);

  const second = await adminPost('/keys', { name: 'second key', scopes: ['config:read'] });
  ok(second, 201, 'key');
  s.ids.key.push(second.json().id);

  // The bookings above queued their guest emails (confirmations): the newest one.
  const { rows: messages } = await t.db.query<{ id: string }>(
    'SELECT id FROM guest_messages WHERE restaurant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1', [s.id],
  );
  assert.equal(messages.length, 1, 'seeding guest messages');
  s.ids.message.push(messages[0]!.id);
}

const BY_COLLECTION: Record<string, IdKind> = {
  restaurants: 'restaurant', reservations: 'reservation', customers: 'customer', waitlist: 'waitlist', webhooks: 'webhook',
  deliveries: 'delivery', keys: 'key', events: 'event', messages: 'message',
};

/**
 * The kind of object a path parameter names: `{restaurant}`, `{deliveryId}`, or `{id}` / `{idOrReference}` after
 * its collection segment (`/webhooks/{id}` → webhook). Undefined when it cannot tell (a new route to cover).
 */
export function idKindOf(path: string, param: string): IdKind | undefined {
  if (param === 'restaurant') return 'restaurant';
  if (param === 'deliveryId') return 'delivery';
  const segments = path.split('/');
  const at = segments.indexOf(`{${param}}`);
  if (at < 1) return undefined;
  return BY_COLLECTION[segments[at - 1]!];
}

/** Every `{param}` of an OpenAPI path. */
export const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
