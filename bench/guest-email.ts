/**
 * Micro-benchmark of a guest email's rendering, in-process, through the server's own render() of
 * src/modules/notifications/render.ts (subject, text, HTML and the .ics file with its VTIMEZONE): a booking renders
 * its confirmation and its reminder inside its transaction, so this is server CPU every booking pays.
 *   - `usPerNewInstant`: every call a start time not seen before (a year of dates, four evening times each, both
 *     languages) — what the booking bench and a real book of reservations ask;
 *   - `usPerRepeatedInstant`: the same 40 instants over and over (what a memo of the instants would serve).
 *
 *   node --import tsx bench/guest-email.ts [--iterations N]     prints one JSON object
 */
import { parseArgs } from 'node:util';
import { render, type RenderInput } from '../src/modules/notifications/render.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '1460' } } });
const N = Number(values.iterations);

const DAY = 86_400_000;
const firstDay = Date.UTC(2027, 0, 1);
const input = (i: number, nowMs: number): RenderInput => {
  const startsAtMs = firstDay + Math.floor(i / 4) * DAY + 18 * 3_600_000 + (i % 4) * 900_000;
  return {
    kind: 'confirmation', language: i % 2 ? 'fr' : 'en',
    restaurant: { name: 'Bench Bistro', timezone: 'Europe/Paris', phone: '+33 1 23 45 67 89', email: 'hello@bench.example', address: '1 rue de la Paix, Paris', cancellationCutoffMinutes: 120 },
    settings: { confirmationNote: 'Tell us about allergies when you arrive.', fromName: null } as RenderInput['settings'],
    guestName: 'Zoë Martin', recipient: 'zoe@guest.example', startsAtMs, endsAtMs: startsAtMs + 2 * 3_600_000, partySize: 2, reference: 'K7M-4QX9',
    uid: `res_${String(i).padStart(20, '0')}`, sequence: 0, manageLink: 'https://bench.example/manage?maitre_manage=K7M-4QX9', nowMs, organizerEmail: 'book@bench.example',
  };
};

/** µs per call of `n` calls of `body`, CPU time of this process. */
function cpuUs(n: number, body: (i: number) => unknown): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) body(i);
  const t = process.cpuUsage(t0);
  return Math.round(((t.user + t.system) / n) * 10) / 10;
}

const now = Date.now();
// Warm-up on other instants (the JIT, the zone's rules for 2026), then a year never seen, then a few instants again.
cpuUs(400, (i) => render(input(-1000 - i, now)));
const usPerNewInstant = cpuUs(N, (i) => render(input(i, now + i)));
const usPerRepeatedInstant = cpuUs(N, (i) => render(input(i % 40, now + i)));
process.stdout.write(`${JSON.stringify({ iterations: N, usPerNewInstant, usPerRepeatedInstant })}\n`);
