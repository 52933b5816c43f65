/**
 * iCalendar (RFC 5545) for guest emails: one VEVENT per reservation, UID stable per reservation, SEQUENCE increasing
 * with every change the guest is told about, METHOD:REQUEST (booked, changed, reminder) or METHOD:CANCEL, so a
 * calendar updates or removes the event instead of adding a duplicate. Times are local wall time with a TZID and a
 * VTIMEZONE that describes that zone around the event (RFC 5545 §3.6.5: a TZID needs its VTIMEZONE). Text values are
 * escaped (§3.3.11) and every line is folded at 75 octets without splitting a UTF-8 character (§3.1); lines end CRLF.
 */
import { DateTime } from 'luxon';
import { compactWall, wallClock, zoneOffset, zoneTransitions } from '../../lib/zone-offsets.js';

export interface IcsEvent {
  method: 'REQUEST' | 'CANCEL';
  /** Stable per reservation. */
  uid: string;
  sequence: number;
  /** DTSTAMP: when this version was made. */
  stampMs: number;
  startMs: number;
  endMs: number;
  timezone: string;
  summary: string;
  description: string;
  location: string | null;
  url: string | null;
  organizer: { name: string; email: string } | null;
  attendee: { name: string; email: string } | null;
}

/** TEXT escaping: backslash, semicolon, comma; newlines become \n. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** A parameter value (CN=…): quoted, without the characters a quoted value cannot hold. */
function paramValue(value: string): string {
  return `"${value.replace(/["\r\n]/g, '').replace(/[\u0000-\u001f]/g, '')}"`;
}

/** Folds one content line at 75 octets (continuation lines start with a space, which counts). */
export function foldLine(line: string): string {
  if (line.length <= 25 || (line.length <= 75 && Buffer.byteLength(line) <= 75)) return line; // most lines: nothing to fold
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  let limit = 75;
  for (const ch of line) {
    const cp = ch.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; // its UTF-8 length
    if (bytes + size > limit) {
      out.push(current);
      current = ' ';
      bytes = 1;
      limit = 75;
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out.join('\r\n');
}

const utc = (ms: number) => `${compactWall(wallClock(ms, 'UTC'))}Z`;
const local = (dt: DateTime) => dt.toFormat("yyyyMMdd'T'HHmmss");

function offset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
}

/** Built VTIMEZONEs by zone and year: finding the transitions costs tens of milliseconds, a booking must not pay it. */
const VTIMEZONES = new Map<string, string[]>();

/** A VTIMEZONE valid from a year before the event to a year after it. */
function vtimezone(zone: string, aroundMs: number): string[] {
  const year = wallClock(aroundMs, zone).year;
  const key = `${zone}\u0000${year}`;
  let lines = VTIMEZONES.get(key);
  if (!lines) {
    if (VTIMEZONES.size >= 1000) VTIMEZONES.clear();
    lines = buildVtimezone(zone, year);
    VTIMEZONES.set(key, lines);
  }
  return lines;
}

function buildVtimezone(zone: string, year: number): string[] {
  const from = DateTime.fromObject({ year: year - 1, month: 1, day: 1 }, { zone });
  const to = from.plus({ years: 3 });
  const startOffset = from.offset;
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  const observance = (type: string, dtstart: string, fromOff: number, toOff: number) => {
    lines.push(`BEGIN:${type}`, `DTSTART:${dtstart}`, `TZOFFSETFROM:${offset(fromOff)}`, `TZOFFSETTO:${offset(toOff)}`, `END:${type}`);
  };
  const isDst = (ms: number) => DateTime.fromMillis(ms, { zone }).isInDST;
  observance(isDst(from.toMillis()) ? 'DAYLIGHT' : 'STANDARD', local(from), startOffset, startOffset);
  for (const t of zoneTransitions(zone, from.toMillis(), to.toMillis())) {
    // DTSTART of an observance: the local time of the onset, in the offset in effect before it.
    const onset = DateTime.fromMillis(t.atMs + t.from * 60_000, { zone: 'utc' });
    observance(isDst(t.atMs) ? 'DAYLIGHT' : 'STANDARD', local(onset), t.from, t.to);
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

/**
 * Whether the local wall time of `ms` occurs twice in `zone` (the hour repeated when clocks go back). RFC 5545 says
 * such a local time means the first occurrence, but calendar software differs, so those are written in UTC instead.
 */
function ambiguous(ms: number, zone: string): boolean {
  const offset = zoneOffset(zone, ms);
  const wall = ms + offset * 60_000;
  for (const probe of [ms - 3 * 3_600_000, ms + 3 * 3_600_000]) {
    const other = zoneOffset(zone, probe);
    if (other === offset) continue;
    const instant = ms + (offset - other) * 60_000; // the same wall time read with the other offset
    if (instant + zoneOffset(zone, instant) * 60_000 === wall) return true;
  }
  return false;
}

/** The local wall time of an instant in `zone`, as DTSTART/DTEND write it. */
const localWall = (ms: number, zone: string): string => compactWall(wallClock(ms, zone));

/** DTSTART/DTEND: local time with TZID, or UTC for a local time that occurs twice. */
function dateTime(name: string, ms: number, zone: string, tz: string): string {
  return ambiguous(ms, zone) ? `${name}:${utc(ms)}` : `${name};TZID=${tz}:${localWall(ms, zone)}`;
}

/** The whole calendar object, CRLF line ends, folded. */
export function buildIcs(e: IcsEvent): string {
  const tz = escapeTzid(e.timezone);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Maitre//Guest notifications//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${e.method}`,
    ...vtimezone(e.timezone, e.startMs),
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${utc(e.stampMs)}`,
    dateTime('DTSTART', e.startMs, e.timezone, tz),
    dateTime('DTEND', e.endMs, e.timezone, tz),
    `SUMMARY:${escapeText(e.summary)}`,
    `DESCRIPTION:${escapeText(e.description)}`,
    ...(e.location ? [`LOCATION:${escapeText(e.location)}`] : []),
    ...(e.url ? [`URL:${e.url}`] : []),
    `STATUS:${e.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    ...(e.organizer ? [`ORGANIZER;CN=${paramValue(e.organizer.name)}:mailto:${e.organizer.email}`] : []),
    ...(e.attendee ? [`ATTENDEE;CN=${paramValue(e.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${e.attendee.email}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

/** IANA names are safe as a TZID parameter value except for characters RFC 5545 forbids unquoted. */
function escapeTzid(zone: string): string {
  return /[;:,"]/.test(zone) ? paramValue(zone) : zone;
}
