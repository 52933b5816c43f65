/** The iCalendar writer (RFC 5545): escaping, folding at 75 octets without splitting characters, VTIMEZONE per zone. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { buildIcs, escapeText, foldLine } from '../src/modules/notifications/ics.js';

const unfold = (text: string) => text.replace(/\r\n /g, '');

function parse(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  const vtz = cal.getFirstSubcomponent('vtimezone')!;
  const zone = new ICAL.Timezone(vtz);
  const vevent = cal.getFirstSubcomponent('vevent')!;
  const start = vevent.getFirstPropertyValue('dtstart') as ICAL.Time;
  const end = vevent.getFirstPropertyValue('dtend') as ICAL.Time;
  if (!start.isDate && start.zone !== ICAL.Timezone.utcTimezone) start.zone = zone;
  if (!end.isDate && end.zone !== ICAL.Timezone.utcTimezone) end.zone = zone;
  return { cal, vevent, start, end };
}

const base = {
  method: 'REQUEST' as const, uid: 'res_abc@maitre', sequence: 3, stampMs: Date.parse('2026-01-01T00:00:00Z'),
  summary: 'Chez "Nous", à table; pour 2', description: 'Line one\nLine two, with; punctuation \\ backslash',
  location: 'Rue de la Paix, Paris', url: 'https://example.com/book?maitre_manage=K7M-4QX9&maitre_contact=a%40b.example',
  organizer: { name: 'Chez "Nous"', email: 'from@example.com' }, attendee: { name: 'Zoë', email: 'zoe@example.com' },
};

test('escaping and folding: values round-trip through ical.js; no line over 75 octets; UTF-8 never split', () => {
  assert.equal(escapeText('a,b;c\\d\ne'), 'a\\,b\\;c\\\\d\\ne');
  const long = 'DESCRIPTION:' + 'é'.repeat(100);
  const folded = foldLine(long);
  for (const line of folded.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
  assert.equal(unfold(folded), long);
  assert.ok(!folded.includes('\uFFFD'));

  const text = buildIcs({ ...base, timezone: 'Europe/Paris', startMs: Date.parse('2026-07-14T18:30:00Z'), endMs: Date.parse('2026-07-14T20:30:00Z'),
    description: base.description + ' ' + 'ü'.repeat(80) });
  assert.ok(text.endsWith('\r\n'));
  for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
  const { cal, vevent } = parse(text);
  assert.equal(cal.getFirstPropertyValue('method'), 'REQUEST');
  assert.equal(vevent.getFirstPropertyValue('summary'), base.summary);
  assert.equal(vevent.getFirstPropertyValue('description'), base.description + ' ' + 'ü'.repeat(80));
  assert.equal(vevent.getFirstPropertyValue('location'), base.location);
  assert.equal(vevent.getFirstPropertyValue('sequence'), 3);
  assert.equal(vevent.getFirstPropertyValue('uid'), 'res_abc@maitre');
  assert.equal(vevent.getFirstProperty('organizer')!.getParameter('cn'), 'Chez Nous');
});

for (const [zone, iso] of [
  ['Europe/Paris', '2026-07-14T18:30:00Z'], // summer time
  ['Europe/Paris', '2026-12-24T19:00:00Z'], // winter time
  ['Europe/Paris', '2026-03-29T00:30:00Z'], // the night the clocks go forward
  ['Australia/Sydney', '2026-04-05T08:00:00Z'], // southern hemisphere, the day DST ends
  ['Asia/Tokyo', '2026-05-01T10:00:00Z'], // no DST
  ['America/New_York', '2026-11-01T05:30:00Z'], // the repeated hour
] as const) {
  test(`DTSTART/DTEND with TZID ${zone} and its VTIMEZONE give back the instant (${iso})`, () => {
    const startMs = Date.parse(iso);
    const text = buildIcs({ ...base, timezone: zone, startMs, endMs: startMs + 2 * 3_600_000 });
    const { start, end, vevent } = parse(text);
    if (iso === '2026-11-01T05:30:00Z') {
      // 01:30 happens twice that night: written in UTC, so no calendar can pick the wrong one.
      assert.match(text, /\r\nDTSTART:20261101T053000Z\r\n/);
    } else {
      assert.equal(vevent.getFirstProperty('dtstart')!.getParameter('tzid'), zone);
      assert.equal(start.toString(), DateTime.fromMillis(startMs, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss"));
    }
    assert.equal(start.toUnixTime() * 1000, startMs);
    assert.equal(end.toUnixTime() * 1000, startMs + 2 * 3_600_000);
  });
}

test('VTIMEZONE observances start exactly at the transitions (Europe/Paris: 02:00 in March, 03:00 in October, local)', () => {
  const text = buildIcs({ ...base, timezone: 'Europe/Paris', startMs: Date.parse('2026-07-14T18:30:00Z'), endMs: Date.parse('2026-07-14T20:30:00Z') });
  assert.match(text, /BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:\+0100\r\nTZOFFSETTO:\+0200\r\n/);
  assert.match(text, /BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:\+0200\r\nTZOFFSETTO:\+0100\r\n/);
  // An event in the hour after the spring change resolves with the new offset.
  const after = Date.parse('2026-03-29T01:30:00Z'); // 03:30 CEST
  const { start } = parse(buildIcs({ ...base, timezone: 'Europe/Paris', startMs: after, endMs: after + 3_600_000 }));
  assert.equal(start.toString(), '2026-03-29T03:30:00');
  assert.equal(start.toUnixTime() * 1000, after);
});

test('a cancellation: METHOD:CANCEL and STATUS:CANCELLED', () => {
  const text = buildIcs({ ...base, method: 'CANCEL', timezone: 'Europe/Paris', startMs: 0, endMs: 3_600_000 });
  const { cal, vevent } = parse(text);
  assert.equal(cal.getFirstPropertyValue('method'), 'CANCEL');
  assert.equal(vevent.getFirstPropertyValue('status'), 'CANCELLED');
});
