/**
 * API key lifecycle: create, list, update, rotate, revoke, delete, usage. Every change is one transaction with its
 * audit row and a cache-invalidation NOTIFY; the plaintext key exists only in the return value of create/rotate.
 */
import type { Db, Queryable, Row } from '../../db/types.js';
import type { AuthenticatedKey } from '../../http/context.js';
import { errors } from '../../http/errors.js';
import { recordAudit, type Actor } from '../audit/service.js';
import { announceChange, keyChanged, type Change } from '../../cache/changes.js';
import { generateKey, keyPrefix, type Environment } from './format.js';
import type { Scope } from './scopes.js';
import { isSystemKeyName } from './system-keys.js';
import { RECENT_LINES, type UsageLine } from './usage-recorder.js';

export type KeyStatus = 'active' | 'rotating' | 'revoked' | 'expired';

export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  environment: Environment;
  scopes: Scope[];
  allowedOrigins: string[];
  rateLimitPerMinute: number;
  bookingRateLimitPerMinute: number | null;
  expiresAt: string | null;
  status: KeyStatus;
  graceEndsAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  rotatedFromId: string | null;
  restaurantId: string;
  /** The server's own key (the /demo page's): only the server changes it, never a user or another key. */
  system: boolean;
}

export interface KeySettings {
  name: string;
  scopes: Scope[];
  allowedOrigins?: string[];
  rateLimitPerMinute?: number;
  bookingRateLimitPerMinute?: number | null;
  expiresAt?: string | null;
  environment?: Environment;
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

/** The status a client sees: expiry and an ended grace period are derived from the clock. */
export function effectiveStatus(row: Row, now = Date.now()): KeyStatus {
  if (row.status === 'revoked') return 'revoked';
  if (row.status === 'rotating' && row.grace_ends_at != null && new Date(row.grace_ends_at as string).getTime() <= now) return 'revoked';
  if (row.expires_at != null && new Date(row.expires_at as string).getTime() <= now) return 'expired';
  return row.status as KeyStatus;
}

export function toKeyView(r: Row, now = Date.now()): KeyView {
  return {
    id: r.id,
    name: r.name,
    prefix: keyPrefix(r.environment, r.public_id),
    environment: r.environment,
    scopes: r.scopes,
    allowedOrigins: r.allowed_origins,
    rateLimitPerMinute: r.rate_limit_per_minute,
    bookingRateLimitPerMinute: r.booking_rate_limit_per_minute,
    expiresAt: iso(r.expires_at),
    status: effectiveStatus(r, now),
    graceEndsAt: iso(r.grace_ends_at),
    revokedAt: iso(r.revoked_at),
    createdAt: iso(r.created_at)!,
    lastUsedAt: iso(r.last_used_at),
    rotatedFromId: r.rotated_from_id,
    restaurantId: r.restaurant_id,
    system: isSystemKeyName(r.name),
  };
}

const KEY_COLUMNS = `id, public_id, restaurant_id, name, environment, scopes, allowed_origins, rate_limit_per_minute,
  booking_rate_limit_per_minute, expires_at, status, grace_ends_at, revoked_at, rotated_from_id, last_used_at, created_at`;

/** Loads the verified-key record for the auth pipeline (one indexed read; cached by the caller). */
export async function loadKeyByHash(db: Queryable, hash: string): Promise<AuthenticatedKey | null> {
  const { rows } = await db.query(
    `SELECT k.id, k.public_id, k.name, k.environment, k.scopes, k.allowed_origins, k.rate_limit_per_minute,
            k.booking_rate_limit_per_minute, k.expires_at, k.status, k.grace_ends_at,
            r.id AS r_id, r.slug AS r_slug, r.name AS r_name, r.timezone AS r_timezone, r.plan AS r_plan
       FROM api_keys k JOIN restaurants r ON r.id = k.restaurant_id WHERE k.key_hash = $1`,
    [hash],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    hash,
    publicId: r.public_id,
    prefix: keyPrefix(r.environment, r.public_id),
    name: r.name,
    environment: r.environment,
    scopes: r.scopes,
    allowedOrigins: r.allowed_origins,
    rateLimitPerMinute: r.rate_limit_per_minute,
    bookingRateLimitPerMinute: r.booking_rate_limit_per_minute,
    expiresAt: r.expires_at == null ? null : new Date(r.expires_at).getTime(),
    status: r.status,
    graceEndsAt: r.grace_ends_at == null ? null : new Date(r.grace_ends_at).getTime(),
    restaurant: { id: r.r_id, slug: r.r_slug, name: r.r_name, timezone: r.r_timezone, plan: r.r_plan },
  };
}

export interface CreatedKey {
  key: string;
  view: KeyView;
}

async function insertKey(tx: Queryable, restaurantId: string, s: KeySettings, rotatedFromId: string | null): Promise<CreatedKey> {
  // A public id collision is absorbed by ON CONFLICT and retried; any other error aborts the transaction, so it is
  // never retried here (a retry inside an aborted transaction would only hide the real error).
  for (let attempt = 0; ; attempt++) {
    const g = generateKey(s.environment ?? 'live');
    const { rows } = await tx.query(
      `INSERT INTO api_keys (id, public_id, restaurant_id, name, environment, key_hash, scopes, allowed_origins,
         rate_limit_per_minute, booking_rate_limit_per_minute, expires_at, rotated_from_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (public_id) DO NOTHING
       RETURNING ${KEY_COLUMNS}`,
      [
        `key_${g.publicId}`, g.publicId, restaurantId, s.name, s.environment ?? 'live', g.hash, s.scopes,
        s.allowedOrigins ?? [], s.rateLimitPerMinute ?? 120, s.bookingRateLimitPerMinute ?? null, s.expiresAt ?? null,
        rotatedFromId,
      ],
    );
    if (rows[0]) return { key: g.key, view: toKeyView(rows[0]) };
    if (attempt >= 5) throw new Error('could not allocate a unique key id');
  }
}

export class KeyService {
  constructor(
    private readonly db: Db,
    /** Drops a key (or a restaurant's keys) from this instance's cache at once; other instances hear the NOTIFY. */
    private readonly invalidateLocal: (change: Change) => void,
    private readonly now: () => number = Date.now,
  ) {}

  async create(restaurantId: string, settings: KeySettings, actor: Actor): Promise<CreatedKey> {
    return this.db.transaction(async (tx) => {
      const created = await insertKey(tx, restaurantId, settings, null);
      await recordAudit(tx, actor, {
        restaurantId, action: 'key.created', targetType: 'api_key', targetId: created.view.id,
        details: { name: settings.name, scopes: settings.scopes, environment: created.view.environment },
      });
      return created;
    });
  }

  async list(restaurantId: string): Promise<KeyView[]> {
    const { rows } = await this.db.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE restaurant_id = $1 ORDER BY created_at DESC, id`, [restaurantId]);
    const now = this.now();
    return rows.map((r) => toKeyView(r, now));
  }

  async get(restaurantId: string, id: string): Promise<KeyView> {
    const { rows } = await this.db.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1 AND restaurant_id = $2`, [id, restaurantId]);
    if (!rows[0]) throw errors.keyNotFound(id);
    return toKeyView(rows[0], this.now());
  }

  /** Finds a key by id alone (CLI, where the id is the whole address). */
  async findRestaurantOf(id: string): Promise<string> {
    const { rows } = await this.db.query(`SELECT restaurant_id FROM api_keys WHERE id = $1`, [id]);
    if (!rows[0]) throw errors.keyNotFound(id);
    return rows[0].restaurant_id;
  }

  /**
   * Locks the key for a change by `actor`. A system key (the server's own, for /demo) is changed only by the server and
   * the operator's CLI: from the dashboard or the admin API it is a 409 conflict, since /demo depends on it.
   */
  private async lock(tx: Queryable, restaurantId: string, id: string, actor: Actor): Promise<Row> {
    const { rows } = await tx.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1 AND restaurant_id = $2 FOR UPDATE`, [id, restaurantId]);
    if (!rows[0]) throw errors.keyNotFound(id);
    if (isSystemKeyName(rows[0].name) && actor.type !== 'system' && actor.type !== 'cli') {
      throw errors.conflict(
        'This is the server’s own key for the /demo page (held in server memory): it cannot be changed, rotated, revoked or deleted here. ' +
          'The server replaces it at each start; turn the demo off with MAITRE_DEMO=0.',
        { id, system: true },
      );
    }
    return rows[0];
  }

  async update(restaurantId: string, id: string, patch: Partial<Omit<KeySettings, 'environment'>>, actor: Actor): Promise<KeyView> {
    const view = await this.db.transaction(async (tx) => {
      const row = await this.lock(tx, restaurantId, id, actor);
      if (effectiveStatus(row, this.now()) === 'revoked') throw errors.conflict('A revoked key cannot be changed.', { status: 'revoked' });
      const { rows } = await tx.query(
        `UPDATE api_keys SET
           name = COALESCE($3, name),
           scopes = COALESCE($4, scopes),
           allowed_origins = COALESCE($5, allowed_origins),
           rate_limit_per_minute = COALESCE($6, rate_limit_per_minute),
           booking_rate_limit_per_minute = CASE WHEN $7 THEN $8 ELSE booking_rate_limit_per_minute END,
           expires_at = CASE WHEN $9 THEN $10::timestamptz ELSE expires_at END,
           updated_at = now()
         WHERE id = $1 AND restaurant_id = $2 RETURNING ${KEY_COLUMNS}`,
        [
          id, restaurantId, patch.name ?? null, patch.scopes ?? null, patch.allowedOrigins ?? null, patch.rateLimitPerMinute ?? null,
          patch.bookingRateLimitPerMinute !== undefined, patch.bookingRateLimitPerMinute ?? null,
          patch.expiresAt !== undefined, patch.expiresAt ?? null,
        ],
      );
      await recordAudit(tx, actor, { restaurantId, action: 'key.updated', targetType: 'api_key', targetId: id, details: { changed: Object.keys(patch) } });
      await announceChange(tx, keyChanged(id));
      return toKeyView(rows[0], this.now());
    });
    this.invalidateLocal(keyChanged(id));
    return view;
  }

  /** New active key with the same settings; the old one turns `rotating` (valid until revoked or its grace ends). */
  async rotate(restaurantId: string, id: string, graceSeconds: number | undefined, actor: Actor): Promise<CreatedKey & { previous: KeyView }> {
    const result = await this.db.transaction(async (tx) => {
      const old = await this.lock(tx, restaurantId, id, actor);
      const status = effectiveStatus(old, this.now());
      if (status !== 'active') throw errors.conflict(`Only an active key can be rotated; this one is ${status}.`, { status });
      const created = await insertKey(
        tx, restaurantId,
        {
          name: old.name, scopes: old.scopes, allowedOrigins: old.allowed_origins, rateLimitPerMinute: old.rate_limit_per_minute,
          bookingRateLimitPerMinute: old.booking_rate_limit_per_minute, expiresAt: iso(old.expires_at), environment: old.environment,
        },
        id,
      );
      const graceEnds = graceSeconds === undefined ? null : new Date(this.now() + graceSeconds * 1000).toISOString();
      const { rows } = await tx.query(
        `UPDATE api_keys SET status = 'rotating', grace_ends_at = $2, updated_at = now() WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
        [id, graceEnds],
      );
      await recordAudit(tx, actor, {
        restaurantId, action: 'key.rotated', targetType: 'api_key', targetId: id,
        details: { newKeyId: created.view.id, graceSeconds: graceSeconds ?? null },
      });
      await announceChange(tx, keyChanged(id));
      return { ...created, previous: toKeyView(rows[0], this.now()) };
    });
    this.invalidateLocal(keyChanged(id));
    return result;
  }

  async revoke(restaurantId: string, id: string, actor: Actor): Promise<KeyView> {
    const view = await this.db.transaction(async (tx) => {
      await this.lock(tx, restaurantId, id, actor);
      const { rows } = await tx.query(
        `UPDATE api_keys SET status = 'revoked', revoked_at = COALESCE(revoked_at, now()), updated_at = now()
          WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
        [id],
      );
      await recordAudit(tx, actor, { restaurantId, action: 'key.revoked', targetType: 'api_key', targetId: id });
      await announceChange(tx, keyChanged(id));
      return toKeyView(rows[0], this.now());
    });
    this.invalidateLocal(keyChanged(id));
    return view;
  }

  /** Removes the key and, by cascade, its usage log. */
  async delete(restaurantId: string, id: string, actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await this.lock(tx, restaurantId, id, actor);
      await tx.query('DELETE FROM api_keys WHERE id = $1', [id]);
      await recordAudit(tx, actor, { restaurantId, action: 'key.deleted', targetType: 'api_key', targetId: id, details: { name: row.name } });
      await announceChange(tx, keyChanged(id));
    });
    this.invalidateLocal(keyChanged(id));
  }

  async usage(restaurantId: string, id: string, days = 30, recent = RECENT_LINES) {
    type DailyRow = { day: string; s2xx: number; s3xx: number; s4xx: number; s5xx: number };
    await this.get(restaurantId, id);
    const since = new Date(this.now() - (days - 1) * 86_400_000);
    since.setUTCHours(0, 0, 0, 0);
    // One statement, so one snapshot: the counts and the lines of one usage flush (written together) are seen
    // together, never the lines of a flush without its counts.
    const { rows } = await this.db.query<{ daily: DailyRow[] | null; lines: UsageLine[] | null }>(
      `SELECT (SELECT json_agg(json_build_object('day', to_char(day, 'YYYY-MM-DD'), 's2xx', s2xx, 's3xx', s3xx, 's4xx', s4xx, 's5xx', s5xx))
                 FROM api_key_usage_daily WHERE key_id = $1 AND day >= $2::date) AS daily,
              (SELECT lines FROM api_key_usage_recent WHERE key_id = $1) AS lines`,
      [id, since.toISOString().slice(0, 10)],
    );
    const byDay = new Map((rows[0]?.daily ?? []).map((r) => [r.day, r]));
    const series = [];
    for (let i = 0; i < days; i++) {
      const d = new Date(since.getTime() + i * 86_400_000).toISOString().slice(0, 10);
      const r = byDay.get(d);
      series.push({ date: d, s2xx: r?.s2xx ?? 0, s3xx: r?.s3xx ?? 0, s4xx: r?.s4xx ?? 0, s5xx: r?.s5xx ?? 0 });
    }
    return {
      keyId: id,
      daily: series,
      // Stored newest first, durations already to a tenth of a millisecond (usage-recorder.ts).
      recent: (rows[0]?.lines ?? []).slice(0, recent).map((l) => ({
        at: new Date(l.at).toISOString(), method: l.method, route: l.route, status: l.status, origin: l.origin, durationMs: l.durationMs,
      })),
    };
  }
}

