/**
 * The demo restaurant `demo` ("Maitre Demo Bistro", Paris): a realistic floor plan, lunch and dinner with pacing, and
 * a closure, an event and a special-hours day placed relative to `today`, so the demo always looks alive.
 */
import { DateTime } from 'luxon';
import type { RestaurantConfig } from './config-schema.js';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../notifications/settings.js';

/** `today` is a `YYYY-MM-DD` date in Europe/Paris; the calendar entries land 10, 14 and 21 days later. */
export function demoConfig(today: string): RestaurantConfig {
  const base = DateTime.fromISO(today, { zone: 'Europe/Paris' });
  if (!base.isValid) throw new Error(`demoConfig: "${today}" is not a YYYY-MM-DD date`);
  const inDays = (n: number) => base.plus({ days: n }).toISODate()!;
  return {
    slug: 'demo',
    name: 'Maitre Demo Bistro',
    timezone: 'Europe/Paris',
    plan: 'business',
    contact: { phone: '+33 1 23 45 67 89', email: 'bonjour@demo.maitre.test', website: 'https://demo.maitre.test' },
    location: { address: '12 rue des Martyrs', city: 'Paris', postalCode: '75009', country: 'FR' },
    policy: {
      minPartySize: 1,
      maxPartySize: 10,
      slotIntervalMinutes: 15,
      bookingWindowDays: 60,
      minNoticeMinutes: 60,
      bufferMinutes: 15,
      cancellationCutoffMinutes: 120,
      turnTimes: [
        { maxPartySize: 2, minutes: 90 },
        { maxPartySize: 4, minutes: 105 },
        { maxPartySize: 6, minutes: 120 },
        { maxPartySize: 10, minutes: 150 },
      ],
    },
    areas: [
      { key: 'main', name: 'Main room' },
      { key: 'terrace', name: 'Terrace' },
    ],
    tables: [
      { key: 'M1', area: 'main', minCovers: 1, maxCovers: 2 },
      { key: 'M2', area: 'main', minCovers: 1, maxCovers: 2 },
      { key: 'M3', area: 'main', minCovers: 2, maxCovers: 4 },
      { key: 'M4', area: 'main', minCovers: 2, maxCovers: 4 },
      { key: 'M5', area: 'main', minCovers: 2, maxCovers: 4 },
      { key: 'M6', area: 'main', minCovers: 4, maxCovers: 6 },
      { key: 'T1', area: 'terrace', minCovers: 1, maxCovers: 2 },
      { key: 'T2', area: 'terrace', minCovers: 1, maxCovers: 2 },
      { key: 'T3', area: 'terrace', minCovers: 2, maxCovers: 4 },
      { key: 'T4', area: 'terrace', minCovers: 2, maxCovers: 4 },
    ],
    combinations: [
      { tables: ['M1', 'M2'], minCovers: 3, maxCovers: 4 },
      { tables: ['M4', 'M5'], minCovers: 6, maxCovers: 8 },
    ],
    services: [
      {
        key: 'lunch', name: 'Lunch', days: ['tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        start: '12:00', lastSeating: '14:00', end: '15:00', pacing: { maxCoversPerSlot: 16, maxBookingsPerSlot: 5 },
      },
      {
        key: 'dinner', name: 'Dinner', days: ['tue', 'wed', 'thu', 'fri', 'sat'],
        start: '19:00', lastSeating: '21:30', end: '23:00', pacing: { maxCoversPerSlot: 20, maxBookingsPerSlot: 6 },
      },
    ],
    closures: [{ date: inDays(14), reason: 'Staff training day' }],
    events: [
      { key: 'wine-dinner', name: 'Burgundy wine dinner', date: inDays(10), start: '19:30', end: '23:00', capacity: 24, closesRegularService: true },
    ],
    specialHours: [
      { date: inDays(21), services: [{ key: 'brunch', name: 'Brunch', start: '11:00', lastSeating: '13:30', end: '15:00', pacing: { maxCoversPerSlot: 20 } }] },
    ],
    // Guest emails: the defaults, with a note the demo's confirmations show (the manage link opens this server's /demo).
    notifications: { ...DEFAULT_NOTIFICATION_SETTINGS, confirmationNote: 'Tell us about allergies or a special occasion: reply to this email.' },
  };
}
