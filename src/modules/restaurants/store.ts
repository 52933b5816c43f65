/**
 * writeFloor: makes a restaurant's floor plan, services, events and calendar match a configuration, inside the
 * caller's transaction. Areas, tables, services and events are upserted BY KEY (an unchanged key keeps its id, so
 * reservations keep pointing at it) and removed when absent; a combination keeps its id while its set of tables is
 * unchanged; closures and special hours are replaced. Rows travel as one JSON parameter per statement.
 */
import type { Queryable } from '../../db/types.js';
import { newId } from '../../lib/ids.js';
import type { RestaurantConfig } from './config-schema.js';

const json = (v: unknown) => JSON.stringify(v);

async function upsertByKey(tx: Queryable, sql: string, restaurantId: string, rows: object[]): Promise<Map<string, string>> {
  const { rows: out } = await tx.query<{ id: string; key: string }>(sql, [restaurantId, json(rows)]);
  return new Map(out.map((r) => [r.key, r.id]));
}

async function deleteMissing(tx: Queryable, table: 'areas' | 'tables' | 'services' | 'events', restaurantId: string, keys: string[]) {
  await tx.query(`DELETE FROM ${table} WHERE restaurant_id = $1 AND NOT (key = ANY (SELECT jsonb_array_elements_text($2::jsonb)))`, [
    restaurantId,
    json(keys),
  ]);
}

export async function writeFloor(tx: Queryable, restaurantId: string, c: RestaurantConfig): Promise<void> {
  const areaIds = await upsertByKey(
    tx,
    `INSERT INTO areas (id, restaurant_id, key, name, position)
     SELECT x.id, $1, x.key, x.name, x.position FROM jsonb_to_recordset($2::jsonb) AS x(id text, key text, name text, position int)
     ON CONFLICT (restaurant_id, key) DO UPDATE SET name = EXCLUDED.name, position = EXCLUDED.position
     RETURNING id, key`,
    restaurantId,
    c.areas.map((a, position) => ({ id: newId('are'), key: a.key, name: a.name, position })),
  );
  const tableIds = await upsertByKey(
    tx,
    `INSERT INTO tables (id, restaurant_id, area_id, key, min_covers, max_covers, position)
     SELECT x.id, $1, x.area_id, x.key, x.min_covers, x.max_covers, x.position
       FROM jsonb_to_recordset($2::jsonb) AS x(id text, area_id text, key text, min_covers int, max_covers int, position int)
     ON CONFLICT (restaurant_id, key) DO UPDATE
       SET area_id = EXCLUDED.area_id, min_covers = EXCLUDED.min_covers, max_covers = EXCLUDED.max_covers, position = EXCLUDED.position
     RETURNING id, key`,
    restaurantId,
    c.tables.map((t, position) => ({
      id: newId('tbl'), area_id: areaIds.get(t.area), key: t.key, min_covers: t.minCovers, max_covers: t.maxCovers, position,
    })),
  );
  await writeCombinations(tx, restaurantId, c, tableIds);
  await deleteMissing(tx, 'tables', restaurantId, c.tables.map((t) => t.key));
  await deleteMissing(tx, 'areas', restaurantId, c.areas.map((a) => a.key));

  await upsertByKey(
    tx,
    `INSERT INTO services (id, restaurant_id, key, name, days, start_time, last_seating, end_time, max_covers_per_slot, max_bookings_per_slot, position)
     SELECT x.id, $1, x.key, x.name, x.days, x.start_time, x.last_seating, x.end_time, x.max_covers_per_slot, x.max_bookings_per_slot, x.position
       FROM jsonb_to_recordset($2::jsonb) AS x(id text, key text, name text, days text[], start_time text, last_seating text,
            end_time text, max_covers_per_slot int, max_bookings_per_slot int, position int)
     ON CONFLICT (restaurant_id, key) DO UPDATE SET name = EXCLUDED.name, days = EXCLUDED.days, start_time = EXCLUDED.start_time,
       last_seating = EXCLUDED.last_seating, end_time = EXCLUDED.end_time, max_covers_per_slot = EXCLUDED.max_covers_per_slot,
       max_bookings_per_slot = EXCLUDED.max_bookings_per_slot, position = EXCLUDED.position
     RETURNING id, key`,
    restaurantId,
    c.services.map((s, position) => ({
      id: newId('svc'), key: s.key, name: s.name, days: s.days, start_time: s.start, last_seating: s.lastSeating, end_time: s.end,
      max_covers_per_slot: s.pacing?.maxCoversPerSlot ?? null, max_bookings_per_slot: s.pacing?.maxBookingsPerSlot ?? null, position,
    })),
  );
  await deleteMissing(tx, 'services', restaurantId, c.services.map((s) => s.key));

  await upsertByKey(
    tx,
    `INSERT INTO events (id, restaurant_id, key, name, date, start_time, end_time, capacity, closes_regular_service)
     SELECT x.id, $1, x.key, x.name, x.date, x.start_time, x.end_time, x.capacity, x.closes_regular_service
       FROM jsonb_to_recordset($2::jsonb) AS x(id text, key text, name text, date date, start_time text, end_time text, capacity int,
            closes_regular_service boolean)
     ON CONFLICT (restaurant_id, key) DO UPDATE SET name = EXCLUDED.name, date = EXCLUDED.date, start_time = EXCLUDED.start_time,
       end_time = EXCLUDED.end_time, capacity = EXCLUDED.capacity, closes_regular_service = EXCLUDED.closes_regular_service
     RETURNING id, key`,
    restaurantId,
    c.events.map((e) => ({
      id: newId('exp'), key: e.key, name: e.name, date: e.date, start_time: e.start, end_time: e.end, capacity: e.capacity,
      closes_regular_service: e.closesRegularService,
    })),
  );
  await deleteMissing(tx, 'events', restaurantId, c.events.map((e) => e.key));

  await tx.query('DELETE FROM closures WHERE restaurant_id = $1', [restaurantId]);
  await tx.query(
    `INSERT INTO closures (restaurant_id, date, reason) SELECT $1, x.date, x.reason FROM jsonb_to_recordset($2::jsonb) AS x(date date, reason text)`,
    [restaurantId, json(c.closures.map((cl) => ({ date: cl.date, reason: cl.reason ?? null })))],
  );
  await tx.query('DELETE FROM special_hours WHERE restaurant_id = $1', [restaurantId]);
  await tx.query(
    `INSERT INTO special_hours (restaurant_id, date, services)
     SELECT $1, x.date, x.services FROM jsonb_to_recordset($2::jsonb) AS x(date date, services jsonb)`,
    [restaurantId, json(c.specialHours)],
  );
}

/** Combinations are matched by their set of table keys: a match keeps its id, the rest are replaced. */
async function writeCombinations(tx: Queryable, restaurantId: string, c: RestaurantConfig, tableIds: Map<string, string>) {
  const { rows } = await tx.query<{ id: string; keys: string[] }>(
    `SELECT c.id, array_agg(t.key ORDER BY t.key) AS keys FROM table_combinations c
       JOIN combination_tables ct ON ct.combination_id = c.id JOIN tables t ON t.id = ct.table_id
      WHERE c.restaurant_id = $1 GROUP BY c.id`,
    [restaurantId],
  );
  const signature = (keys: string[]) => [...keys].sort().join('\u0000');
  const existing = new Map(rows.map((r) => [signature(r.keys), r.id]));
  const kept = new Set<string>();
  const fresh: { id: string; min_covers: number; max_covers: number; position: number; table_ids: string[] }[] = [];
  for (const [position, cb] of c.combinations.entries()) {
    const id = existing.get(signature(cb.tables));
    if (id) {
      kept.add(id);
      await tx.query('UPDATE table_combinations SET min_covers = $2, max_covers = $3, position = $4 WHERE id = $1', [id, cb.minCovers, cb.maxCovers, position]);
    } else {
      fresh.push({ id: newId('cmb'), min_covers: cb.minCovers, max_covers: cb.maxCovers, position, table_ids: cb.tables.map((k) => tableIds.get(k)!) });
    }
  }
  await tx.query(`DELETE FROM table_combinations WHERE restaurant_id = $1 AND NOT (id = ANY (SELECT jsonb_array_elements_text($2::jsonb)))`, [
    restaurantId,
    json([...kept]),
  ]);
  await tx.query(
    `INSERT INTO table_combinations (id, restaurant_id, min_covers, max_covers, position)
     SELECT x.id, $1, x.min_covers, x.max_covers, x.position FROM jsonb_to_recordset($2::jsonb) AS x(id text, min_covers int, max_covers int, position int)`,
    [restaurantId, json(fresh)],
  );
  await tx.query(
    `INSERT INTO combination_tables (combination_id, table_id)
     SELECT x.id, t.table_id FROM jsonb_to_recordset($1::jsonb) AS x(id text, table_ids jsonb), jsonb_array_elements_text(x.table_ids) AS t(table_id)`,
    [json(fresh)],
  );
}
