/**
 * On an empty database (MAITRE_DEMO on, the default) `maitre serve` creates the demo restaurant `demo`, an owner
 * login and one API key, and prints them once. Nothing secret is logged; the banner goes to the terminal only.
 */
import { DateTime } from 'luxon';
import type { Services } from './services.js';
import { BASE62, randomString } from './lib/ids.js';
import { SCOPES } from './modules/keys/scopes.js';
import { DEMO_WIDGET_KEY_NAME } from './modules/keys/system-keys.js';
import { demoConfig } from './modules/restaurants/demo-config.js';
import { createUser } from './modules/admin/users.js';

export interface DemoCredentials {
  slug: string;
  ownerEmail: string;
  ownerPassword: string;
  key: string;
  date: string;
}

export const DEMO_OWNER_EMAIL = 'owner@demo.maitre.test';

/** What seeding the demo uses of the app's services. */
export type DemoSeedServices = Pick<Services, 'db' | 'now' | 'restaurants' | 'keys'>;
/** What the demo page's key uses of the app's services: finding the demo restaurant, and its keys. */
export type DemoKeyServices = Pick<Services, 'restaurants' | 'keys'>;

export async function seedDemoIfEmpty(services: DemoSeedServices): Promise<DemoCredentials | null> {
  const { rows } = await services.db.query<{ n: number }>('SELECT count(*)::int AS n FROM restaurants');
  if (rows[0].n > 0) return null;
  const actor = { type: 'system' as const, id: 'demo-seed' };
  const today = DateTime.fromMillis(services.now(), { zone: 'Europe/Paris' }).toISODate()!;
  const restaurant = await services.restaurants.create(demoConfig(today), actor);
  const ownerPassword = randomString(16, BASE62);
  await createUser(services.db, { email: DEMO_OWNER_EMAIL, password: ownerPassword, name: 'Demo Owner', restaurantId: restaurant.id, role: 'owner' });
  const created = await services.keys.create(restaurant.id, { name: 'Demo key', scopes: [...SCOPES] }, actor);
  // Suggest a date the demo is open for dinner: the next Friday at least two days away.
  let date = DateTime.fromISO(today, { zone: 'Europe/Paris' }).plus({ days: 2 });
  while (date.weekday !== 5) date = date.plus({ days: 1 });
  return { slug: restaurant.slug, ownerEmail: DEMO_OWNER_EMAIL, ownerPassword, key: created.key, date: date.toISODate()! };
}

export function printDemoBanner(demo: DemoCredentials, baseUrl: string): void {
  const lines = [
    '',
    '  Maitre is running with a demo restaurant. These credentials are shown ONCE — copy them now.',
    '',
    `  Start here        ${baseUrl}/`,
    `  Dashboard         ${baseUrl}/dashboard`,
    `    email           ${demo.ownerEmail}`,
    `    password        ${demo.ownerPassword}`,
    `  Booking widget    ${baseUrl}/demo   (a sample restaurant page)`,
    `  API reference     ${baseUrl}/docs`,
    '',
    `  API key           ${demo.key}`,
    '',
    '  Try it:',
    `    curl -H "Authorization: Bearer ${demo.key}" ${baseUrl}/v1/restaurants/${demo.slug}`,
    `    curl -H "Authorization: Bearer ${demo.key}" "${baseUrl}/v1/restaurants/${demo.slug}/availability?date=${demo.date}&partySize=2"`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** Name of the key the server creates for its own /demo page (see src/modules/widget/demo-proxy.ts), a reserved name. */
export { DEMO_WIDGET_KEY_NAME };

/**
 * The key behind /demo/api: only `availability:read` + `reservations:write`, a low booking budget, created for the
 * demo restaurant when the server starts with MAITRE_DEMO on. Its plaintext lives only in this process's memory
 * (the database keeps its hash, like every key). It is a system key: the dashboard and the admin API cannot change,
 * rotate, revoke or delete it (src/modules/keys/service.ts). `replacePrevious` deletes the demo-page keys of earlier runs
 * first. Null when there is no demo restaurant.
 */
export async function createDemoWidgetKey(services: DemoKeyServices, options: { replacePrevious: boolean }): Promise<string | null> {
  const restaurant = await services.restaurants.resolve('demo');
  if (!restaurant) return null;
  const actor = { type: 'system' as const, id: 'demo-page' };
  if (options.replacePrevious) {
    for (const old of await services.keys.list(restaurant.id)) {
      if (old.name === DEMO_WIDGET_KEY_NAME) await services.keys.delete(restaurant.id, old.id, actor);
    }
  }
  const created = await services.keys.create(
    restaurant.id,
    { name: DEMO_WIDGET_KEY_NAME, scopes: ['availability:read', 'reservations:write'], rateLimitPerMinute: 600, bookingRateLimitPerMinute: 20 },
    actor,
  );
  return created.key;
}
