/**
 * Seeding the scale topology the way an operator would: the restaurant and its owner through the `maitre` command
 * line, keys and webhook endpoints through the admin and public APIs (behind the load balancer), and a local webhook
 * receiver that counts deliveries per endpoint and event id.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { request, type Answer } from './http.js';
import type { Topology } from './topology.js';

/** Local wall-clock dates in UTC, `days` from today. */
export function utcDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export const SERVICE = { start: '18:00', lastSeating: '21:30', maxCoversPerSlot: 8, maxBookingsPerSlot: 3 };

/** Every quarter-hour seating of the dinner service. */
export const SLOTS: string[] = (() => {
  const out: string[] = [];
  for (let m = 18 * 60; m <= 21 * 60 + 30; m += 15) out.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  return out;
})();

const FLOOR = [
  { key: 'A1', minCovers: 1, maxCovers: 2 },
  { key: 'A2', minCovers: 1, maxCovers: 2 },
  { key: 'A3', minCovers: 1, maxCovers: 2 },
  { key: 'A4', minCovers: 1, maxCovers: 2 },
  { key: 'B1', minCovers: 2, maxCovers: 4 },
  { key: 'B2', minCovers: 2, maxCovers: 4 },
  { key: 'B3', minCovers: 2, maxCovers: 4 },
  { key: 'C1', minCovers: 4, maxCovers: 6 },
];

/**
 * A restaurant in UTC open every evening with a paced dinner service: eight tables and one combination per room,
 * `rooms` rooms (more rooms, more bookings before the evenings are full; pacing caps a slot either way).
 */
export function scaleRestaurantConfig(slug: string, rooms = 1) {
  const suffix = (i: number) => (i === 0 ? '' : `-${i + 1}`);
  const roomIds = Array.from({ length: rooms }, (_, i) => i);
  return {
    slug, name: `Scale ${slug}`, timezone: 'UTC', plan: 'business',
    policy: {
      minPartySize: 1, maxPartySize: 8, slotIntervalMinutes: 15, bookingWindowDays: 60, minNoticeMinutes: 60, bufferMinutes: 0,
      cancellationCutoffMinutes: 60,
      turnTimes: [{ maxPartySize: 2, minutes: 90 }, { maxPartySize: 4, minutes: 120 }, { maxPartySize: 99, minutes: 150 }],
    },
    areas: roomIds.map((i) => ({ key: `main${suffix(i)}`, name: `Room ${i + 1}` })),
    tables: roomIds.flatMap((i) => FLOOR.map((t) => ({ ...t, key: `${t.key}${suffix(i)}`, area: `main${suffix(i)}` }))),
    combinations: roomIds.map((i) => ({ tables: [`B2${suffix(i)}`, `B3${suffix(i)}`], minCovers: 5, maxCovers: 8 })),
    services: [{
      key: 'dinner', name: 'Dinner', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: SERVICE.start, lastSeating: SERVICE.lastSeating, end: '23:59',
      pacing: { maxCoversPerSlot: SERVICE.maxCoversPerSlot, maxBookingsPerSlot: SERVICE.maxBookingsPerSlot },
    }],
  };
}

export interface Seeded {
  id: string;
  slug: string;
  /** Admin session cookie of the owner ("maitre_session=..."). */
  cookie: string;
  /** A key with every scope, created with `maitre key create --json`. */
  cliKey: string;
}

const PASSWORD = 'correct horse battery staple';

/** The restaurant and its owner through the CLI, a first key through the CLI, then a login through the balancer. */
export async function seedRestaurant(topo: Topology, slug: string, rooms = 1): Promise<Seeded> {
  const file = join(topo.root, `${slug}.json`);
  writeFileSync(file, JSON.stringify(scaleRestaurantConfig(slug, rooms)));
  const created = await topo.cli(['restaurant', 'create', '--config', file, '--json']);
  assert.equal(created.code, 0, created.stderr);
  const id = JSON.parse(created.stdout).id as string;
  const [user, key] = await Promise.all([
    topo.cli(['user', 'create', '--email', `owner@${slug}.test`, '--restaurant', slug], PASSWORD),
    topo.cli(['key', 'create', '--restaurant', slug, '--name', 'cli', '--scopes', 'all', '--rate-limit', '1000', '--json']),
  ]);
  assert.equal(user.code, 0, user.stderr);
  assert.equal(key.code, 0, key.stderr);
  const login = await request(topo.lb.url, 'POST', '/admin/api/login', { body: { email: `owner@${slug}.test`, password: PASSWORD } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0];
  assert.match(cookie, /^maitre_session=/);
  return { id, slug, cookie, cliKey: JSON.parse(key.stdout).key };
}

export interface CreatedKey {
  id: string;
  key: string;
}

/** POST /admin/api/restaurants/{slug}/keys through `base` (an instance or the balancer). */
export async function createKey(base: string, r: Seeded, settings: Record<string, unknown> = {}): Promise<CreatedKey> {
  const res = await request(base, 'POST', `/admin/api/restaurants/${r.slug}/keys`, {
    headers: { cookie: r.cookie },
    body: { name: 'scale', scopes: ['config:read', 'availability:read', 'reservations:read', 'reservations:write', 'webhooks:write'], rateLimitPerMinute: 1000, ...settings },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.id, key: res.body.key };
}

export async function revokeKey(base: string, r: Seeded, keyId: string): Promise<Answer> {
  return request(base, 'POST', `/admin/api/restaurants/${r.slug}/keys/${keyId}/revoke`, { headers: { cookie: r.cookie }, body: {} });
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

let guest = 0;
/** A booking body with a fresh guest (so no two attempts share a customer). */
export function bookingBody(date: string, time: string, partySize: number) {
  guest += 1;
  return { date, time, partySize, customer: { name: `Scale guest ${guest}`, email: `g${guest}-${process.pid}@scale.test` } };
}

/** A webhook receiver: answers 200 and counts what arrives per path and event id. */
export class Receiver {
  readonly counts = new Map<string, number>();
  total = 0;
  private server!: http.Server;
  port = 0;

  static async start(): Promise<Receiver> {
    const r = new Receiver();
    r.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const id = JSON.parse(Buffer.concat(chunks).toString('utf8')).id as string;
        const k = `${req.url} ${id}`;
        r.counts.set(k, (r.counts.get(k) ?? 0) + 1);
        r.total++;
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    r.server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    r.port = (r.server.address() as AddressInfo).port;
    return r;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Deliveries of event `id` at `path`. */
  count(path: string, id: string): number {
    return this.counts.get(`${path} ${id}`) ?? 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Registers a webhook endpoint (public API, through `base`) for the given event types. */
export async function addEndpoint(base: string, r: Seeded, key: string, url: string, events: string[]): Promise<string> {
  const res = await request(base, 'POST', `/v1/restaurants/${r.slug}/webhooks`, { headers: bearer(key), body: { url, events } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}
