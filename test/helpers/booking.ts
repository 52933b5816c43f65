/** Helpers for the availability, reservation and idempotency suites: restaurants through the real importer, a key, calls. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { parseRestaurantConfig, type RestaurantConfigInput } from '../../src/modules/restaurants/config-schema.js';
import { SCOPES, type Scope } from '../../src/modules/keys/scopes.js';
import type { KeySettings } from '../../src/modules/keys/service.js';
import { uniqueSlug } from './fixtures.js';

export const SYSTEM = { type: 'system' as const, id: null };

/** 2026-03-02 is a Monday; 09:00Z is 10:00 in Paris. */
export const MONDAY_9Z = Date.parse('2026-03-02T09:00:00Z');

/**
 * A small bistro in Paris: two areas, six tables, two combinations, lunch (Mon–Sat) and dinner (Tue–Sat, paced),
 * a closure. Overrides are shallow-merged (policy merged one level deeper).
 */
export function bistro(overrides: Partial<RestaurantConfigInput> & { policy?: Record<string, unknown> } = {}): RestaurantConfigInput {
  const { policy, ...rest } = overrides;
  return {
    slug: uniqueSlug('bistro'),
    name: 'Test Bistro',
    timezone: 'Europe/Paris',
    plan: 'business',
    policy: {
      minPartySize: 1, maxPartySize: 8, slotIntervalMinutes: 15, bookingWindowDays: 60, minNoticeMinutes: 60, bufferMinutes: 0,
      cancellationCutoffMinutes: 120,
      turnTimes: [{ maxPartySize: 2, minutes: 90 }, { maxPartySize: 4, minutes: 120 }, { maxPartySize: 8, minutes: 150 }],
      ...policy,
    },
    areas: [{ key: 'main', name: 'Main room' }, { key: 'terrace', name: 'Terrace' }],
    tables: [
      { key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 },
      { key: 'T2', area: 'main', minCovers: 1, maxCovers: 2 },
      { key: 'T3', area: 'main', minCovers: 2, maxCovers: 4 },
      { key: 'T4', area: 'main', minCovers: 4, maxCovers: 6 },
      { key: 'P1', area: 'terrace', minCovers: 1, maxCovers: 2 },
      { key: 'P2', area: 'terrace', minCovers: 2, maxCovers: 4 },
    ],
    combinations: [
      { tables: ['T1', 'T2'], minCovers: 3, maxCovers: 4 },
      { tables: ['T3', 'T4'], minCovers: 6, maxCovers: 8 },
    ],
    services: [
      { key: 'lunch', name: 'Lunch', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '12:00', lastSeating: '13:30', end: '15:00' },
      {
        key: 'dinner', name: 'Dinner', days: ['tue', 'wed', 'thu', 'fri', 'sat'], start: '19:00', lastSeating: '21:30', end: '23:00',
        pacing: { maxCoversPerSlot: 20, maxBookingsPerSlot: 6 },
      },
    ],
    closures: [{ date: '2026-03-14', reason: 'Private party' }],
    ...rest,
  } as RestaurantConfigInput;
}

export interface Tenant {
  id: string;
  slug: string;
  key: string;
  keyId: string;
  /** Calls under /v1/restaurants/{slug} with the tenant's key. */
  get(path: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

/** Creates a restaurant from a configuration through the real importer, and a key with the given scopes. */
export async function createTenant(
  app: FastifyInstance,
  config: RestaurantConfigInput,
  scopes: Scope[] = [...SCOPES],
  key: Partial<KeySettings> = {},
): Promise<Tenant> {
  const parsed = parseRestaurantConfig(config);
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.issues)}`);
  const r = await app.services.restaurants.create(parsed.config, SYSTEM);
  const k = await app.services.keys.create(r.id, { name: 'test', scopes, ...key }, SYSTEM);
  const base = `/v1/restaurants/${r.slug}`;
  const auth = { authorization: `Bearer ${k.key}` };
  return {
    id: r.id,
    slug: r.slug,
    key: k.key,
    keyId: k.view.id,
    get: (path, headers = {}) => app.inject({ method: 'GET', url: base + path, headers: { ...auth, ...headers } }),
    post: (path, body, headers = {}) =>
      app.inject({ method: 'POST', url: base + path, headers: { ...auth, ...headers }, ...(body === undefined ? {} : { payload: body as object }) }),
    patch: (path, body, headers = {}) => app.inject({ method: 'PATCH', url: base + path, headers: { ...auth, ...headers }, payload: body as object }),
  };
}

let guest = 0;
/** A booking body with a fresh guest. */
export function booking(date: string, time: string, partySize: number, extra: Record<string, unknown> = {}) {
  guest += 1;
  return { date, time, partySize, customer: { name: `Guest ${guest}`, email: `guest${guest}-${process.pid}@example.com` }, ...extra };
}

export interface SlotJson {
  time: string;
  available: boolean;
  reason?: string;
  detail?: string;
  service: string;
  startsAt: string;
}

export async function slotsOf(t: Tenant, date: string, partySize: number, area?: string): Promise<SlotJson[]> {
  const res = await t.get(`/availability?date=${date}&partySize=${partySize}${area ? `&area=${area}` : ''}`);
  if (res.statusCode !== 200) throw new Error(`availability ${res.statusCode}: ${res.body}`);
  return res.json().slots;
}

export const slotAt = (slots: SlotJson[], time: string) => slots.find((s) => s.time === time);
