/** Small, direct fixtures for tests that need a tenant but not the whole configuration importer. */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../src/db/types.js';
import { newId } from '../../src/lib/ids.js';

export function uniqueSlug(prefix = 'r'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function insertRestaurant(
  db: Queryable,
  opts: { slug?: string; plan?: 'starter' | 'business' | 'pro'; timezone?: string; name?: string } = {},
): Promise<{ id: string; slug: string }> {
  const id = newId('rst');
  const slug = opts.slug ?? uniqueSlug();
  await db.query(
    `INSERT INTO restaurants (id, slug, name, timezone, plan, policy) VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, slug, opts.name ?? `Test ${slug}`, opts.timezone ?? 'Europe/Paris', opts.plan ?? 'business', JSON.stringify({})],
  );
  return { id, slug };
}
