/** Helpers for tests that need a tenant and an API key. */
import type { FastifyInstance } from 'fastify';
import type { KeySettings } from '../../src/modules/keys/service.js';
import { SCOPES } from '../../src/modules/keys/scopes.js';
import { insertRestaurant } from './fixtures.js';

export const SYSTEM = { type: 'system' as const, id: null };

export async function tenantWithKey(
  app: FastifyInstance,
  opts: { plan?: 'starter' | 'business' | 'pro'; key?: Partial<KeySettings> } = {},
): Promise<{ restaurant: { id: string; slug: string }; key: string; keyId: string }> {
  const restaurant = await insertRestaurant(app.services.db, { plan: opts.plan });
  const created = await app.services.keys.create(restaurant.id, { name: 'test key', scopes: [...SCOPES], ...opts.key }, SYSTEM);
  return { restaurant, key: created.key, keyId: created.view.id };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
