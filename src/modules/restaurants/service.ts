/**
 * Restaurants: create from a configuration, apply a changed configuration, export it back, read the profile, floor
 * plan and services. Every change is one transaction with its audit row and the cache-invalidation NOTIFY
 * (`restaurant:<id>`: API keys cache slug, name, timezone and plan; the profile cache the whole profile), and drops
 * this instance's cached entries right after commit.
 */
import type { Db, Queryable } from '../../db/types.js';
import type { RestaurantRef } from '../../http/context.js';
import { ApiError, errors } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/service.js';
import { announceChange, restaurantChanged, type Change } from '../../cache/changes.js';
import { parseRestaurantConfig, type Plan, type RestaurantConfig } from './config-schema.js';
import { floorOf, loadFloor, loadProfile, toConfig, type Floor } from './floor.js';
import {
  AREA_SQL, COMBINATION_SQL, RESTAURANT_COLUMNS, SERVICE_SQL, TABLE_SQL, areaFromRow, combinationFromRow, profileFromRow,
  serviceFromRow, tableFromRow, type Area, type Combination, type RestaurantProfile, type Service, type Table,
} from './rows.js';
import { ProfileCache } from './profile-cache.js';
import { writeFloor } from './store.js';

const pgCode = (err: unknown): string | undefined => (err as { code?: string } | null)?.code;

const slugTaken = (slug: string) => errors.conflict(`A restaurant with the slug "${slug}" already exists.`, { slug });

/** Re-validates (and normalises) a configuration even when typed: callers may build one by hand. */
function validated(config: RestaurantConfig): RestaurantConfig {
  const parsed = parseRestaurantConfig(config);
  if (!parsed.ok) throw errors.validation(parsed.issues);
  return parsed.config;
}

function restaurantRow(c: RestaurantConfig): unknown[] {
  return [c.name, c.timezone, c.plan, JSON.stringify(c.policy), JSON.stringify(c.contact ?? {}), JSON.stringify(c.location ?? {}), JSON.stringify(c.notifications)];
}

export class RestaurantService {
  /** Profiles served to API keys (GET /v1/restaurants/{r}), by id; see profile-cache.ts. */
  private readonly profiles = new ProfileCache((id) => loadProfile(this.db, id));

  constructor(
    private readonly db: Db,
    /** Drops this instance's cached keys of a restaurant at once; other instances hear the NOTIFY. */
    private readonly invalidateLocal: (change: Change) => void,
  ) {}

  /** The profile of a restaurant by id, from this instance's cache (no I/O on a hit). */
  profile(restaurantId: string): Promise<RestaurantProfile> {
    return this.profiles.get(restaurantId);
  }

  /** The cached profile, or undefined when it has to be loaded (profile() then). */
  cachedProfile(restaurantId: string): RestaurantProfile | undefined {
    return this.profiles.peek(restaurantId);
  }

  /**
   * Applies a change to the cached profiles (the app's one listener on the change channel calls it for every NOTIFY,
   * and with `all` when the listening connection was lost).
   */
  invalidateCached(change: Change | string): void {
    this.profiles.invalidate(change);
  }

  /** Drops this instance's cached keys and profile of a restaurant, after the commit that changed it. */
  private changedLocally(restaurantId: string): void {
    const change = restaurantChanged(restaurantId);
    this.profiles.invalidate(change);
    this.invalidateLocal(change);
  }

  /** id, slug, name, timezone and plan of a restaurant by id or slug; null when there is none. */
  async resolve(idOrSlug: string): Promise<RestaurantRef | null> {
    const { rows } = await this.db.query('SELECT id, slug, name, timezone, plan FROM restaurants WHERE id = $1 OR slug = $1', [idOrSlug]);
    const r = rows[0];
    return r ? { id: r.id, slug: r.slug, name: r.name, timezone: r.timezone, plan: r.plan } : null;
  }

  /** The profile (id or slug); throws not_found. */
  getProfile(idOrSlug: string): Promise<RestaurantProfile> {
    return loadProfile(this.db, idOrSlug);
  }

  async listAreas(restaurantId: string): Promise<Area[]> {
    return (await this.db.query(AREA_SQL, [restaurantId])).rows.map(areaFromRow);
  }

  async listTables(restaurantId: string): Promise<Table[]> {
    return (await this.db.query(TABLE_SQL, [restaurantId])).rows.map(tableFromRow);
  }

  async listCombinations(restaurantId: string): Promise<Combination[]> {
    return (await this.db.query(COMBINATION_SQL, [restaurantId])).rows.map(combinationFromRow);
  }

  async listServices(restaurantId: string): Promise<Service[]> {
    return (await this.db.query(SERVICE_SQL, [restaurantId])).rows.map(serviceFromRow);
  }

  /** Everything availability and booking need (see floor.ts); `loadFloor(tx, id)` reads it inside a transaction. */
  loadFloor(idOrSlug: string): Promise<Floor> {
    return loadFloor(this.db, idOrSlug);
  }

  /** The configuration file of a restaurant; parseRestaurantConfig(export) deep-equals it. */
  async exportConfig(idOrSlug: string): Promise<RestaurantConfig> {
    const profile = await loadProfile(this.db, idOrSlug);
    return toConfig(profile, await floorOf(this.db, profile));
  }

  /** Creates a restaurant with its whole configuration in one transaction. A taken slug: 409 conflict. */
  async create(input: RestaurantConfig, actor: Actor): Promise<RestaurantProfile> {
    const config = validated(input);
    const id = newId('rst');
    try {
      await this.db.transaction(async (tx) => {
        const taken = await tx.query('SELECT 1 FROM restaurants WHERE slug = $1', [config.slug]);
        if (taken.rows.length > 0) throw slugTaken(config.slug);
        await tx.query(
          `INSERT INTO restaurants (id, slug, name, timezone, plan, policy, contact, location, notifications) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [id, config.slug, ...restaurantRow(config)],
        );
        await writeFloor(tx, id, config);
        await recordAudit(tx, actor, { restaurantId: id, action: 'restaurant.created', targetType: 'restaurant', targetId: id, details: summary(config) });
      });
    } catch (err) {
      if (pgCode(err) === '23505') throw slugTaken(config.slug); // lost a race for the same slug
      throw err;
    }
    return this.getProfile(id);
  }

  /**
   * Applies a changed configuration to an existing restaurant in one transaction (see store.ts for what keeps its
   * id). Always bumps restaurants.updated_at, which cached booking models are checked against. The slug cannot
   * change this way: 409 conflict; removing what reservations still hold: 409 conflict. `keepPlan` keeps the plan the
   * restaurant has (read under the row lock) instead of the file's.
   */
  async replaceConfig(
    idOrSlug: string, input: RestaurantConfig, actor: Actor, options: { keepPlan?: boolean } = {},
  ): Promise<RestaurantProfile> {
    const validConfig = validated(input);
    const id = await this.mutate(async (tx) => {
      const before = await this.lock(tx, idOrSlug);
      // keepPlan (the admin API, where the plan is not editable): the plan of the locked row, whatever the file says.
      const config = options.keepPlan ? { ...validConfig, plan: before.plan } : validConfig;
      if (config.slug !== before.slug) {
        throw errors.conflict(
          `The slug cannot be changed by a configuration import: this restaurant is "${before.slug}", the configuration says "${config.slug}".`,
          { slug: before.slug, configSlug: config.slug },
        );
      }
      await tx.query(
        `UPDATE restaurants SET name = $2, timezone = $3, plan = $4, policy = $5, contact = $6, location = $7, notifications = $8, updated_at = now() WHERE id = $1`,
        [before.id, ...restaurantRow(config)],
      );
      await writeFloor(tx, before.id, config);
      await recordAudit(tx, actor, {
        restaurantId: before.id, action: 'restaurant.config_replaced', targetType: 'restaurant', targetId: before.id, details: summary(config),
      });
      await announceChange(tx, restaurantChanged(before.id)); // the profile (and updated_at) changes with every import
      return before.id;
    });
    this.changedLocally(id);
    return this.getProfile(id);
  }

  /** Changes the plan (starter has no API access: keys start failing with plan_upgrade_required at once). */
  async setPlan(idOrSlug: string, plan: Plan, actor: Actor): Promise<RestaurantProfile> {
    let changed = false;
    const id = await this.mutate(async (tx) => {
      const before = await this.lock(tx, idOrSlug);
      if (before.plan === plan) return before.id;
      changed = true;
      await tx.query('UPDATE restaurants SET plan = $2, updated_at = now() WHERE id = $1', [before.id, plan]);
      await recordAudit(tx, actor, {
        restaurantId: before.id, action: 'restaurant.plan_changed', targetType: 'restaurant', targetId: before.id, details: { from: before.plan, to: plan },
      });
      await announceChange(tx, restaurantChanged(before.id));
      return before.id;
    });
    if (changed) this.changedLocally(id);
    return this.getProfile(id);
  }

  private async lock(tx: Queryable, idOrSlug: string): Promise<RestaurantProfile> {
    const { rows } = await tx.query(`SELECT ${RESTAURANT_COLUMNS} FROM restaurants WHERE id = $1 OR slug = $1 FOR UPDATE`, [idOrSlug]);
    if (!rows[0]) throw errors.restaurantNotFound(idOrSlug);
    return profileFromRow(rows[0]);
  }

  /** A transaction whose foreign-key failures (removing something reservations still use) become a clear 409. */
  private async mutate<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn);
    } catch (err) {
      if (err instanceof ApiError || pgCode(err) !== '23503') throw err;
      const table = (err as { table?: string }).table;
      throw errors.conflict(
        'The configuration removes an area, table, service or event that existing records (such as reservations) still refer to; keep it, or move those records first.',
        table ? { referencedBy: table } : {},
      );
    }
  }
}

function summary(c: RestaurantConfig): Record<string, unknown> {
  return {
    slug: c.slug, plan: c.plan, areas: c.areas.length, tables: c.tables.length, combinations: c.combinations.length,
    services: c.services.length, closures: c.closures.length, events: c.events.length, specialHours: c.specialHours.length,
  };
}
