import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRestaurantConfig } from '../src/modules/restaurants/config-schema.js';
import { demoConfig } from '../src/modules/restaurants/demo-config.js';

/** The example of API.md §8, plus the table T2 its combination names (the document abbreviates the floor plan). */
function example(): any {
  return {
    slug: 'chez-test', name: 'Chez Test', timezone: 'Europe/Paris', plan: 'business',
    policy: {
      minPartySize: 1, maxPartySize: 8, slotIntervalMinutes: 15, bookingWindowDays: 60, minNoticeMinutes: 60, bufferMinutes: 0,
      cancellationCutoffMinutes: 120,
      turnTimes: [{ maxPartySize: 2, minutes: 90 }, { maxPartySize: 4, minutes: 120 }, { maxPartySize: 99, minutes: 150 }],
    },
    areas: [{ key: 'main', name: 'Main room' }],
    tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }, { key: 'T2', area: 'main', minCovers: 1, maxCovers: 2 }],
    combinations: [{ tables: ['T1', 'T2'], minCovers: 3, maxCovers: 4 }],
    services: [{
      key: 'dinner', name: 'Dinner', days: ['tue', 'wed', 'thu', 'fri', 'sat'], start: '18:00', lastSeating: '21:30', end: '23:00',
      pacing: { maxCoversPerSlot: 20, maxBookingsPerSlot: 6 },
    }],
    closures: [{ date: '2026-12-25', reason: 'Christmas' }],
    events: [{ key: 'wine-dinner', name: 'Wine dinner', date: '2026-12-10', start: '19:30', end: '23:00', capacity: 40, closesRegularService: true }],
    specialHours: [{ date: '2026-12-31', services: [{ key: 'nye', start: '19:00', lastSeating: '22:00', end: '01:00' }] }],
  };
}

/** Parses `mutate(example())` and asserts an issue at exactly `path` whose message contains `fragment`. */
function rejects(mutate: (c: any) => void, path: string, fragment: string) {
  const c = example();
  mutate(c);
  const r = parseRestaurantConfig(c);
  assert.equal(r.ok, false, `expected ${path} to be rejected`);
  if (r.ok) return;
  const hit = r.issues.find((i) => i.path === path);
  assert.ok(hit, `no issue at ${path}; got ${JSON.stringify(r.issues)}`);
  assert.ok(hit.message.includes(fragment), `message "${hit.message}" lacks "${fragment}"`);
}

test('the example of API.md §8 is accepted, with canonical defaults and order', () => {
  const r = parseRestaurantConfig(example());
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  assert.equal(r.config.specialHours[0].services[0].end, '01:00');
  const minimal = parseRestaurantConfig({ slug: 'ok', name: ' Ok ', timezone: 'europe/paris' });
  assert.ok(minimal.ok);
  assert.equal(minimal.config.name, 'Ok');
  assert.equal(minimal.config.timezone, 'Europe/Paris');
  assert.equal(minimal.config.plan, 'business');
  assert.equal(minimal.config.policy.cancellationCutoffMinutes, 120);
  assert.deepEqual(minimal.config.policy.turnTimes.at(-1), { maxPartySize: 8, minutes: 180 });
  assert.deepEqual(minimal.config.tables, []);
  const c = example();
  c.services[0].days = ['sat', 'tue'];
  c.closures = [{ date: '2026-12-26' }, { date: '2026-12-24', reason: 'Eve' }];
  c.combinations[0].tables = ['T2', 'T1'];
  const sorted = parseRestaurantConfig(c);
  assert.ok(sorted.ok);
  assert.deepEqual(sorted.config.services[0].days, ['tue', 'sat']);
  assert.deepEqual(sorted.config.closures, [{ date: '2026-12-24', reason: 'Eve' }, { date: '2026-12-26' }]);
  assert.deepEqual(sorted.config.combinations[0].tables, ['T1', 'T2']);
  const again = parseRestaurantConfig(sorted.config);
  assert.ok(again.ok);
  assert.deepEqual(again.config, sorted.config, 'the canonical form is a fixed point');
});

test('the example as printed in API.md (combination naming the absent T2) is rejected precisely', () => {
  rejects((c) => c.tables.pop(), 'combinations.0.tables.1', 'unknown table "T2"');
});

test('the demo configuration is valid for any day', () => {
  for (const today of ['2026-01-01', '2026-03-29', '2026-12-31']) {
    const r = parseRestaurantConfig(demoConfig(today));
    assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
    assert.equal(r.config.slug, 'demo');
    assert.equal(r.config.policy.cancellationCutoffMinutes, 120);
    assert.ok(r.config.closures[0].date > today && r.config.events[0].date > today && r.config.specialHours[0].date > today);
  }
});

test('a table in an unknown area', () => rejects((c) => (c.tables[1].area = 'patio'), 'tables.1.area', 'unknown area "patio"'));

test('a combination with an unknown table', () => rejects((c) => (c.combinations[0].tables[1] = 'T9'), 'combinations.0.tables.1', 'unknown table "T9"'));

test('duplicate keys of areas, tables, services and events', () => {
  rejects((c) => c.areas.push({ key: 'main', name: 'Again' }), 'areas.1.key', 'duplicate area key "main"');
  rejects((c) => c.tables.push({ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }), 'tables.2.key', 'duplicate table key "T1"');
  rejects((c) => c.services.push({ ...c.services[0], name: 'Late' }), 'services.1.key', 'duplicate service key "dinner"');
  rejects((c) => c.events.push({ ...c.events[0], date: '2026-12-11' }), 'events.1.key', 'duplicate event key "wine-dinner"');
});

test('duplicate dates in closures and special hours', () => {
  rejects((c) => c.closures.push({ date: '2026-12-25' }), 'closures.1.date', 'duplicate closure date "2026-12-25"');
  rejects((c) => c.specialHours.push({ ...c.specialHours[0] }), 'specialHours.1.date', 'duplicate special-hours date "2026-12-31"');
  rejects((c) => (c.specialHours[0].date = '2026-12-25'), 'specialHours.0.date', '2026-12-25 is also a closure');
});

test('the same table twice in a combination, and two identical combinations', () => {
  rejects((c) => c.combinations[0].tables.push('T1'), 'combinations.0.tables.2', 'table "T1" is listed twice');
  rejects((c) => c.combinations.push({ tables: ['T2', 'T1'], minCovers: 2, maxCovers: 4 }), 'combinations.1.tables', 'same tables as combinations.0');
});

test('a combination of fewer than 2 tables', () => rejects((c) => (c.combinations[0].tables = ['T1']), 'combinations.0.tables', 'at least 2 tables, got 1'));

test('min greater than max: table covers, combination covers, party sizes', () => {
  rejects((c) => (c.tables[0].minCovers = 3), 'tables.0.minCovers', 'minCovers 3 is greater than maxCovers 2');
  rejects((c) => (c.combinations[0].minCovers = 5), 'combinations.0.minCovers', 'minCovers 5 is greater than maxCovers 4');
  rejects((c) => (c.policy.minPartySize = 9), 'policy.minPartySize', 'minPartySize 9 is greater than maxPartySize 8');
});

test('a time zone that is not IANA', () => rejects((c) => (c.timezone = 'Mars/Olympus'), 'timezone', '"Mars/Olympus" is not an IANA time zone'));

test('dates that do not exist', () => {
  rejects((c) => (c.closures[0].date = '2026-02-30'), 'closures.0.date', '"2026-02-30" is not a valid date');
  rejects((c) => (c.events[0].date = '2026-13-01'), 'events.0.date', '"2026-13-01" is not a valid date');
  rejects((c) => (c.specialHours[0].date = '31/12/2026'), 'specialHours.0.date', '"31/12/2026" is not a valid date');
});

test('times not in HH:mm', () => {
  rejects((c) => (c.services[0].start = '24:00'), 'services.0.start', '"24:00" is not a time in HH:mm');
  rejects((c) => (c.events[0].end = '9:30'), 'events.0.end', '"9:30" is not a time in HH:mm');
});

test('last seating outside its service; services may end after midnight', () => {
  rejects((c) => (c.services[0].lastSeating = '23:30'), 'services.0.lastSeating', 'lastSeating 23:30 is outside the service 18:00–23:00');
  rejects((c) => (c.services[0].lastSeating = '17:00'), 'services.0.lastSeating', 'lastSeating 17:00 is outside');
  rejects((c) => (c.specialHours[0].services[0].lastSeating = '01:30'), 'specialHours.0.services.0.lastSeating', 'lastSeating 01:30 is outside the service 19:00–01:00');
  rejects((c) => (c.services[0].end = '18:00'), 'services.0.end', 'end 18:00 equals start');
  const late = example();
  late.services[0] = { ...late.services[0], start: '22:00', lastSeating: '00:30', end: '02:00' };
  assert.ok(parseRestaurantConfig(late).ok, 'a last seating after midnight inside a late service is fine');
});

test('turn times not strictly ascending, or not covering the largest party', () => {
  rejects((c) => (c.policy.turnTimes[1].maxPartySize = 2), 'policy.turnTimes.1.maxPartySize', 'strictly ascending by maxPartySize: 2 follows 2');
  rejects((c) => c.policy.turnTimes.pop(), 'policy.turnTimes', 'turn times stop at party size 4 but policy.maxPartySize is 8');
});

test('a malformed slug', () => {
  rejects((c) => (c.slug = 'Chez_Test'), 'slug', '"Chez_Test" is not a valid slug');
  rejects((c) => (c.slug = 'trailing-'), 'slug', '"trailing-" is not a valid slug');
});

test('unknown fields are rejected, each at its own path', () => {
  rejects((c) => (c.colour = 'red'), 'colour', 'unknown field "colour"');
  rejects((c) => (c.tables[1].seats = 4), 'tables.1.seats', 'unknown field "seats"');
  rejects((c) => (c.services[0].pacing.maxCovers = 4), 'services.0.pacing.maxCovers', 'unknown field "maxCovers"');
});

test('pacing limits below 1', () => {
  rejects((c) => (c.services[0].pacing.maxBookingsPerSlot = 0), 'services.0.pacing.maxBookingsPerSlot', 'must be at least 1, got 0');
  rejects((c) => (c.specialHours[0].services[0].pacing = { maxCoversPerSlot: -2 }), 'specialHours.0.services.0.pacing.maxCoversPerSlot', 'got -2');
});

test('an event that does not end after it starts', () => rejects((c) => (c.events[0].end = '19:30'), 'events.0.end', 'end 19:30 is not after start 19:30'));

test('special-hours service keys are unique per day', () => {
  rejects((c) => c.specialHours[0].services.push({ key: 'nye', start: '12:00', lastSeating: '13:00', end: '14:00' }), 'specialHours.0.services.1.key', 'duplicate service key "nye"');
  const other = example();
  other.specialHours.push({ date: '2027-01-01', services: [{ key: 'nye', start: '12:00', lastSeating: '13:00', end: '14:00' }] });
  assert.ok(parseRestaurantConfig(other).ok, 'the same key on another day is fine');
});

test('wrong types, missing fields and bad values name what was given', () => {
  rejects((c) => delete c.name, 'name', 'is required');
  rejects((c) => (c.tables[0].maxCovers = 2.5), 'tables.0.maxCovers', 'expected a whole number, got 2.5');
  rejects((c) => (c.plan = 'gold'), 'plan', '"gold" is not one of');
  rejects((c) => (c.services[0].days = ['tue', 'tue']), 'services.0.days.1', 'duplicate day "tue"');
  const notObject = parseRestaurantConfig([]);
  assert.ok(!notObject.ok && notObject.issues[0].path === '' && notObject.issues[0].message.includes('expected object'));
});
