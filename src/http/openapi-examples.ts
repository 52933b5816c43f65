/**
 * Worked examples for the main booking flow, attached to the operations by the document transform. They cannot
 * drift: test/openapi-document.test.ts validates every example against its operation's schema, and fails on an example
 * whose operation no longer exists.
 */
type Named = Record<string, { summary: string; value: unknown }>;

export interface RouteExamples {
  body?: Named;
  response?: Record<string, Named>;
}

const restaurant = { id: 'rst_k3v9x2qa7m1p0z8w4t6y', slug: 'demo', name: 'Maitre Demo Bistro' };

const reservation = {
  id: 'res_q8w2e4r6t1y3u5i7o9p0',
  reference: 'K7M-4QX9',
  status: 'confirmed',
  date: '2026-05-01',
  time: '19:30',
  service: 'dinner',
  startsAt: '2026-05-01T17:30:00.000Z',
  endsAt: '2026-05-01T19:00:00.000Z',
  partySize: 2,
  tables: ['M1'],
  area: 'main',
  customer: { id: 'cus_a1s2d3f4g5h6j7k8l9z0', name: 'Ada Lovelace', email: 'ada@example.com', phone: '+33612345678' },
  notes: 'Window table if possible',
  source: 'website',
  cancellationReason: null,
  createdAt: '2026-04-20T09:12:44.120Z',
  updatedAt: '2026-04-20T09:12:44.120Z',
};

export const EXAMPLES: Record<string, RouteExamples> = {
  'GET /v1/me': {
    response: {
      200: {
        widget: {
          summary: 'A website widget key',
          value: {
            id: 'key_k3v9x2qa',
            name: 'Website widget',
            prefix: 'mtr_live_k3v9x2qa',
            environment: 'live',
            restaurant,
            scopes: ['availability:read', 'reservations:write'],
            allowedOrigins: ['https://bistro.example'],
            rateLimitPerMinute: 120,
            bookingRateLimitPerMinute: 10,
            expiresAt: null,
            status: 'active',
            graceEndsAt: null,
          },
        },
      },
    },
  },
  'GET /v1/restaurants/:restaurant/availability': {
    response: {
      200: {
        evening: {
          summary: 'Dinner slots for two',
          value: {
            date: '2026-05-01',
            partySize: 2,
            area: null,
            timezone: 'Europe/Paris',
            closed: false,
            slots: [
              { time: '19:00', available: true, service: 'dinner', startsAt: '2026-05-01T17:00:00.000Z' },
              { time: '19:15', available: false, reason: 'slot_limit_reached', detail: 'covers', service: 'dinner', startsAt: '2026-05-01T17:15:00.000Z' },
              { time: '19:30', available: true, service: 'dinner', startsAt: '2026-05-01T17:30:00.000Z' },
            ],
          },
        },
      },
    },
  },
  'POST /v1/restaurants/:restaurant/reservations': {
    body: {
      dinnerForTwo: {
        summary: 'Dinner for two',
        value: {
          date: '2026-05-01',
          time: '19:30',
          partySize: 2,
          customer: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+33 6 12 34 56 78' },
          notes: 'Window table if possible',
          source: 'website',
        },
      },
    },
    response: { 201: { booked: { summary: 'The new reservation', value: reservation } } },
  },
  'GET /v1/restaurants/:restaurant/reservations/:id': {
    response: { 200: { confirmed: { summary: 'A confirmed reservation', value: reservation } } },
  },
};

export function routeExamples(method: string, url: string): RouteExamples | undefined {
  return EXAMPLES[`${method} ${url}`];
}
