/**
 * Cross-field and cross-reference checks of a structurally valid configuration: unknown references, duplicates,
 * min > max, opening hours, turn times. Paths index the file as written (before any normalisation).
 */
import { serviceSpan } from './clock.js';
import type { RestaurantConfig } from './config-shape.js';

export interface ConfigIssue {
  path: string;
  message: string;
}

type Path = (string | number)[];

export function checkConfig(c: RestaurantConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const add = (path: Path, message: string) => issues.push({ path: path.join('.'), message });

  /** Reports every repeat of a value after its first occurrence. */
  const unique = <T>(items: readonly T[], value: (item: T) => string, path: (i: number) => Path, what: string) => {
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      const v = value(item);
      const seen = first.get(v);
      if (seen === undefined) first.set(v, i);
      else add(path(i), `duplicate ${what} "${v}" (first at index ${seen})`);
    });
  };
  const minMax = (path: Path, min: number, max: number, what: string) => {
    if (min > max) add([...path, `min${what}`], `min${what} ${min} is greater than max${what} ${max}`);
  };
  const checkHours = (path: Path, s: { start: string; lastSeating: string; end: string }) => {
    if (s.end === s.start) return add([...path, 'end'], `end ${s.end} equals start; a service needs a length`);
    const span = serviceSpan(s);
    if (span.lastSeating > span.end) {
      add([...path, 'lastSeating'], `lastSeating ${s.lastSeating} is outside the service ${s.start}–${s.end}`);
    }
  };

  // Policy: party sizes and turn times (strictly ascending, the last one covering maxPartySize).
  const p = c.policy;
  minMax(['policy'], p.minPartySize, p.maxPartySize, 'PartySize');
  p.turnTimes.forEach((t, i) => {
    const prev = p.turnTimes[i - 1];
    if (prev && t.maxPartySize <= prev.maxPartySize) {
      add(['policy', 'turnTimes', i, 'maxPartySize'], `turn times must be strictly ascending by maxPartySize: ${t.maxPartySize} follows ${prev.maxPartySize}`);
    }
  });
  const largest = Math.max(...p.turnTimes.map((t) => t.maxPartySize));
  if (largest < p.maxPartySize) {
    add(['policy', 'turnTimes'], `turn times stop at party size ${largest} but policy.maxPartySize is ${p.maxPartySize}`);
  }

  // Floor plan.
  unique(c.areas, (a) => a.key, (i) => ['areas', i, 'key'], 'area key');
  const areaKeys = new Set(c.areas.map((a) => a.key));
  unique(c.tables, (t) => t.key, (i) => ['tables', i, 'key'], 'table key');
  c.tables.forEach((t, i) => {
    if (!areaKeys.has(t.area)) {
      add(['tables', i, 'area'], `unknown area "${t.area}"${areaKeys.size ? ` (areas: ${[...areaKeys].join(', ')})` : ' (no areas are defined)'}`);
    }
    minMax(['tables', i], t.minCovers, t.maxCovers, 'Covers');
  });
  const tableKeys = new Set(c.tables.map((t) => t.key));
  const combos = new Map<string, number>();
  c.combinations.forEach((cb, i) => {
    const seen = new Set<string>();
    cb.tables.forEach((k, j) => {
      if (!tableKeys.has(k)) add(['combinations', i, 'tables', j], `unknown table "${k}"`);
      else if (seen.has(k)) add(['combinations', i, 'tables', j], `table "${k}" is listed twice in this combination`);
      seen.add(k);
    });
    minMax(['combinations', i], cb.minCovers, cb.maxCovers, 'Covers');
    const signature = [...seen].sort().join('\u0000');
    const same = combos.get(signature);
    if (same !== undefined) add(['combinations', i, 'tables'], `same tables as combinations.${same} (${[...seen].sort().join(' + ')})`);
    else combos.set(signature, i);
  });

  // Services, closures, events, special hours.
  unique(c.services, (s) => s.key, (i) => ['services', i, 'key'], 'service key');
  c.services.forEach((s, i) => {
    unique(s.days, (d) => d, (j) => ['services', i, 'days', j], 'day');
    checkHours(['services', i], s);
  });
  unique(c.closures, (cl) => cl.date, (i) => ['closures', i, 'date'], 'closure date');
  unique(c.events, (e) => e.key, (i) => ['events', i, 'key'], 'event key');
  c.events.forEach((e, i) => {
    if (e.end <= e.start) add(['events', i, 'end'], `end ${e.end} is not after start ${e.start}`);
  });
  const closed = new Set(c.closures.map((cl) => cl.date));
  unique(c.specialHours, (d) => d.date, (i) => ['specialHours', i, 'date'], 'special-hours date');
  c.specialHours.forEach((day, i) => {
    if (closed.has(day.date)) add(['specialHours', i, 'date'], `${day.date} is also a closure; a day is either closed or has special hours`);
    unique(day.services, (s) => s.key, (j) => ['specialHours', i, 'services', j, 'key'], 'service key');
    day.services.forEach((s, j) => checkHours(['specialHours', i, 'services', j], s));
  });
  return issues;
}
