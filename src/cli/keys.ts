/** `maitre key create|list|rotate|revoke|delete`. */
import { parseArgs } from 'node:util';
import type { Db } from '../db/types.js';
import { parseDuration } from '../lib/duration.js';
import { KeyService, type KeyView } from '../modules/keys/service.js';
import { parseScopeList } from '../modules/keys/scopes.js';
import { createKeyBodySchema } from '../modules/keys/schemas.js';
import { RestaurantService } from '../modules/restaurants/service.js';
import { errors } from '../http/errors.js';
import { intOption, print, required, UsageError } from './args.js';
import type { CliContext } from './io.js';

function describe(k: KeyView): string {
  return [
    `${k.id}  ${k.prefix}  ${k.status}  "${k.name}"`,
    `  scopes: ${k.scopes.join(',')}`,
    `  origins: ${k.allowedOrigins.length ? k.allowedOrigins.join(',') : '(any)'}  rate limit: ${k.rateLimitPerMinute}/min` +
      (k.bookingRateLimitPerMinute ? `, bookings ${k.bookingRateLimitPerMinute}/min` : ''),
    `  created: ${k.createdAt}  last used: ${k.lastUsedAt ?? 'never'}  expires: ${k.expiresAt ?? 'never'}`,
  ].join('\n');
}

async function restaurantId(db: Db, idOrSlug: string): Promise<string> {
  const r = await new RestaurantService(db, () => {}).resolve(idOrSlug);
  if (!r) throw errors.restaurantNotFound(idOrSlug);
  return r.id;
}

export async function keyCommand({ db, io, actor }: CliContext, sub: string | undefined, argv: string[]): Promise<void> {
  const keys = new KeyService(db, () => {});
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      restaurant: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'string' }, origins: { type: 'string' },
      'rate-limit': { type: 'string' }, 'booking-rate-limit': { type: 'string' }, 'expires-at': { type: 'string' },
      env: { type: 'string' }, grace: { type: 'string' }, json: { type: 'boolean', default: false },
    },
  });
  const json = values.json ?? false;
  switch (sub) {
    case 'create': {
      let scopes;
      try {
        scopes = parseScopeList(required(values, 'scopes'));
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const parsed = createKeyBodySchema.safeParse({
        name: required(values, 'name'),
        scopes,
        allowedOrigins: values.origins ? values.origins.split(',').map((o) => o.trim()).filter(Boolean) : undefined,
        rateLimitPerMinute: intOption(values, 'rate-limit'),
        bookingRateLimitPerMinute: intOption(values, 'booking-rate-limit'),
        expiresAt: values['expires-at'],
        environment: values.env,
      });
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'key'}: ${i.message}`).join('; '));
      const rid = await restaurantId(db, required(values, 'restaurant'));
      const { key, view } = await keys.create(rid, parsed.data, actor);
      print(io, json, { ...view, key }, `${describe(view)}\n\n  key: ${key}\n\n  Copy it now: it is shown only once.`);
      return;
    }
    case 'list': {
      const list = await keys.list(await restaurantId(db, required(values, 'restaurant')));
      print(io, json, { data: list }, list.length ? list.map(describe).join('\n') : 'no keys');
      return;
    }
    case 'rotate': {
      const id = positionals[0];
      if (!id) throw new UsageError('usage: maitre key rotate ID [--grace 24h] [--json]');
      const grace = values.grace ? Math.round(parseDuration(values.grace) / 1000) : undefined;
      const rid = await keys.findRestaurantOf(id);
      const { key, view, previous } = await keys.rotate(rid, id, grace, actor);
      print(io, json, { ...view, key, previous }, `${describe(view)}\n\n  key: ${key}\n\n  ${previous.id} is now rotating` +
        (previous.graceEndsAt ? ` until ${previous.graceEndsAt}.` : ' until you revoke it.') + ' Copy the new key now: it is shown only once.');
      return;
    }
    case 'revoke': {
      const id = positionals[0];
      if (!id) throw new UsageError('usage: maitre key revoke ID');
      const view = await keys.revoke(await keys.findRestaurantOf(id), id, actor);
      print(io, json, view, `revoked ${id}`);
      return;
    }
    case 'delete': {
      const id = positionals[0];
      if (!id) throw new UsageError('usage: maitre key delete ID');
      await keys.delete(await keys.findRestaurantOf(id), id, actor);
      print(io, json, { id, deleted: true }, `deleted ${id} and its usage log`);
      return;
    }
    default:
      throw new UsageError('usage: maitre key (create|list|rotate|revoke|delete) …');
  }
}
