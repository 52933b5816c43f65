import { createMaitreClient, unwrap } from '../src/index.js';

const maitre = createMaitreClient({ baseUrl: process.env.MAITRE_URL ?? 'http://127.0.0.1:3000', apiKey: process.env.MAITRE_API_KEY! });
const path = { restaurant: 'demo' }, partySize = 2;
const date = new Date(Date.now() + ((12 - new Date().getUTCDay()) % 7 || 7) * 86_400_000).toISOString().slice(0, 10); // next Friday
const { slots } = await unwrap(maitre.GET('/v1/restaurants/{restaurant}/availability', { params: { path, query: { date, partySize } } }));
const slot = slots.find((s) => s.available);
if (!slot) throw new Error(`No table for ${partySize} on ${date}`);
const booking = await unwrap(maitre.POST('/v1/restaurants/{restaurant}/reservations', { params: { path, header: { 'Idempotency-Key': `ada-${date}-${slot.time}` } },
  body: { date, time: slot.time, partySize, customer: { name: 'Ada Lovelace', email: 'ada@example.com' } } })); // a retry books once
console.log(`Booked ${booking.reference}: ${booking.partySize} people on ${booking.date} at ${booking.time}`);
