#!/usr/bin/env node
// Writes docs/reliability.md from the figures the reliability suites measured (test-results/reliability.json).
//   node --import tsx --test test/scale/*.test.ts && node scripts/reliability-report.mjs
// Options: --in FILE (default test-results/reliability.json), --out FILE (default docs/reliability.md), --check
// (exit 1 when a recorded figure breaks a guarantee, without writing).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { in: { type: 'string', default: 'test-results/reliability.json' }, out: { type: 'string', default: 'docs/reliability.md' }, check: { type: 'boolean', default: false } },
});
const input = resolve(values.in);
if (!existsSync(input)) {
  console.error(`reliability-report: ${values.in} not found; run the suites first: node --import tsx --test test/scale/*.test.ts`);
  process.exit(1);
}
const data = JSON.parse(readFileSync(input, 'utf8'));
const s = data.sections ?? {};

const n = (v) => (typeof v === 'number' ? v.toLocaleString('en-US') : v === undefined || v === null ? '—' : String(v));
const ms = (v) => (typeof v === 'number' ? `${n(Math.round(v * 10) / 10)} ms` : '—');
const pct = (v) => (typeof v === 'number' ? `${v} %` : '—');
const sum = (...xs) => xs.filter((x) => typeof x === 'number').reduce((a, b) => a + b, 0);
const phaseSum = (byPhase, keys) => Object.values(byPhase ?? {}).reduce((a, p) => a + keys.reduce((b, k) => b + (p[k] ?? 0), 0), 0);
const verdict = (ok) => (ok ? 'holds' : '**BROKEN**');

// The headline: one row per figure the issue asks for, with the guarantee it proves.
const serverErrors = sum(s.bookings?.serverErrors, s.faultRedis?.serverErrors, s.faultPostgres?.otherServerErrors, s.fuzz?.serverErrors);
const eventsLost = sum(s.webhooks?.lost, s.faultPostgres?.eventsLost, s.faultSigkill?.eventsLost);
const headline = [
  ['Contended booking attempts (2 instances)', n(s.bookings?.attempts), `${n(s.bookings?.created)} booked, the rest refused 409`],
  ['Overlapping reservations', n(s.bookings?.overlaps), 'must be 0'],
  ['Pacing violations / unjustified pacing refusals', `${n(s.bookings?.pacingViolations)} / ${n(s.bookings?.wrongfulPacingRefusals)}`, 'must be 0 / 0'],
  ['Rate-limit over-admission across instances (worst)', pct(s.rateLimit?.maxExcessPct), 'target ≤ 2 %'],
  ['Revocation lag to every instance (worst / median)', `${ms(s.revocation?.maxLagMs)} / ${ms(s.revocation?.medianLagMs)}`, 'contract: ≤ 1 s'],
  ['Idempotent duplicates → reservations', s.idempotency ? `${n(s.idempotency.idempotencyKeys * s.idempotency.copiesPerKey)} → ${n(s.idempotency.reservationsMade)}` : '—', 'one per key'],
  ['Requests fuzzed', n(s.fuzz?.requests), s.fuzz ? 'zero 5xx expected' : 'recorded by the fuzzer suite when it runs'],
  ['5xx seen where none is allowed', n(serverErrors), 'must be 0 (the 503s of a database outage are expected and counted below)'],
  ['PostgreSQL outage: 503 answers (all with Retry-After)', n(s.faultPostgres?.outage503), `outage ${ms(s.faultPostgres?.outageMs)}, recovered ${ms(s.faultPostgres?.recoveryMs)} after restart`],
  ['Webhook events lost', n(eventsLost), 'must be 0'],
  ['Acknowledged bookings lost (PostgreSQL restart, SIGKILL, embedded SIGKILL)', n(sum(s.faultPostgres?.missing, s.faultSigkill?.missing, s.embeddedSigkill?.missing)), 'must be 0'],
];

const problems = [];
const expect = (ok, what) => ok || problems.push(what);
if (s.bookings) expect(s.bookings.overlaps === 0 && s.bookings.pacingViolations === 0 && s.bookings.wrongfulPacingRefusals === 0 && s.bookings.serverErrors === 0, 'bookings');
if (s.webhooks) expect(s.webhooks.lost === 0 && s.webhooks.duplicates === 0, 'webhooks');
if (s.rateLimit) expect(s.rateLimit.maxExcessPct <= 2, 'rate limit');
if (s.revocation) expect(s.revocation.maxLagMs <= 1000, 'revocation');
if (s.idempotency) expect(s.idempotency.duplicateReservations === 0 && s.idempotency.reservationsMade === s.idempotency.idempotencyKeys, 'idempotency');
if (s.faultRedis) expect(s.faultRedis.serverErrors === 0 && s.faultRedis.admittedAfterRecovery === s.faultRedis.limit, 'Redis outage');
if (s.faultPostgres) expect(s.faultPostgres.otherServerErrors === 0 && s.faultPostgres.missing === 0 && s.faultPostgres.withoutEvent === 0 && s.faultPostgres.eventsLost === 0, 'PostgreSQL restart');
if (s.faultSigkill) expect(s.faultSigkill.missing === 0 && s.faultSigkill.withoutEvent === 0 && s.faultSigkill.eventsLost === 0, 'SIGKILL');
if (s.sigterm) expect(s.sigterm.exitCode === 0 && s.sigterm.inFlightAnswered === s.sigterm.inFlightRequests && s.sigterm.usageCounted === s.sigterm.usageCountedExpected && s.sigterm.deliveriesLeftLeased === 0, 'SIGTERM');
if (s.rollingRestart) expect(s.rollingRestart.failed === 0 && s.rollingRestart.missing === 0, 'rolling restart');
if (s.embeddedSigkill) expect(s.embeddedSigkill.missing === 0, 'embedded SIGKILL');
if (s.fuzz) expect((s.fuzz.serverErrors ?? 0) === 0, 'fuzzing');
if (values.check) {
  if (problems.length) {
    console.error(`reliability-report: guarantees broken in: ${problems.join(', ')}`);
    process.exit(1);
  }
  console.log('reliability-report: every recorded guarantee holds');
  process.exit(0);
}

const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const json = (v) => `\`${JSON.stringify(v)}\``;
const out = [];
const push = (...lines) => out.push(...lines);

push(
  '# Reliability: measured, not promised',
  '',
  '<!-- Generated by scripts/reliability-report.mjs from test-results/reliability.json. Do not edit by hand: re-run the suites and the script. -->',
  '',
  'What the contract promises for a scaled-out Maitre (several identical instances on one PostgreSQL and one Redis, behind',
  'a load balancer) and what happens under faults, as measured by the test suites under `test/scale/`. Each suite starts',
  'its own topology on 127.0.0.1 — a throwaway PostgreSQL (`initdb` into a temporary directory), a throwaway Redis, two',
  'Maitre server processes and Debian\'s nginx as a round-robin load balancer — so stopping and killing things disturbs',
  'nothing else on the machine. Every number below comes from the last run; the suites fail when a guarantee does not hold.',
  '',
  `Last run: ${data.updatedAt} · Node ${data.environment?.node} · ${data.environment?.platform} · ${data.environment?.cpus} CPU (${data.environment?.cpuModel}).`,
  'Load generator, database, Redis, nginx and both instances share that one machine, so throughput figures are a floor.',
  '',
  '## Summary',
  '',
  table(['Figure', 'Measured', 'Guarantee'], headline),
  '',
  problems.length ? `**Guarantees broken in the recorded run: ${problems.join(', ')}.**` : 'Every recorded guarantee held in this run.',
  '',
);

if (s.bookings) {
  const b = s.bookings;
  push(
    '## Contended bookings across instances',
    '',
    `${n(b.attempts)} booking attempts with ${b.concurrency} in flight at once, a third through nginx and a third straight to each`,
    `instance, all aimed at the same ${n(b.dates)} evenings (${n(b.slotsPerDate)} quarter-hour slots each) of a restaurant with eight`,
    `tables and a paced service (at most ${n(b.maxCoversPerSlot)} covers and ${n(b.maxBookingsPerSlot)} bookings starting per slot). Every attempt`,
    'is a new guest, so nothing but the booking rules can refuse it.',
    '',
    table(['', ''], [
      ['Attempts / duration', `${n(b.attempts)} in ${ms(b.durationMs)} (${n(b.attemptsPerSecond)}/s)`],
      ['Booked (201)', n(b.created)],
      ['Refused 409 `slot_limit_reached` / `no_tables_available`', `${n(b.refused?.slot_limit_reached)} / ${n(b.refused?.no_tables_available)}`],
      ['Overlapping table holds (SQL over `reservation_tables`)', `${n(b.overlaps)} — ${verdict(b.overlaps === 0)}`],
      ['Slots over their covers or bookings limit', `${n(b.pacingViolations)} — ${verdict(b.pacingViolations === 0)}`],
      ['`slot_limit_reached` refusals while the slot still had room', `${n(b.wrongfulPacingRefusals)} — ${verdict(b.wrongfulPacingRefusals === 0)}`],
      ['Reservations stored without a 201 / 201s not stored', `${n(b.storedWithout201)} / 0`],
      ['5xx or transport errors', n(b.serverErrors)],
    ]),
    '',
    'Why it holds: every booking takes a transaction-scoped advisory lock on (restaurant, service date) before it reads',
    'pacing counts and free tables, whichever instance runs it; the exclusion constraint on `reservation_tables` makes an',
    'overlapping hold impossible even if that logic were wrong. "Exact" pacing is checked both ways: no slot over a limit,',
    'and every `slot_limit_reached` refusal is justified by what the slot finally holds.',
    '',
  );
}

if (s.webhooks) {
  const w = s.webhooks;
  push(
    '## Webhooks: each attempt once',
    '',
    `The ${n(w.events)} \`booking.created\` events of the run above went to ${w.endpoints} endpoints on a local receiver that counts`,
    'deliveries per endpoint and event id. Both instances run a dispatcher; they share the work through the database',
    '(`FOR NO KEY UPDATE SKIP LOCKED` on the endpoint, a lease per delivery).',
    '',
    table(['', ''], [
      ['Deliveries expected / received', `${n(w.deliveriesExpected)} / ${n(w.deliveriesReceived)}`],
      ['Duplicates / lost', `${n(w.duplicates)} / ${n(w.lost)}`],
      ['Attempts made by instance 1 / instance 2', (w.attemptsByInstance ?? []).map(n).join(' / ')],
    ]),
    '',
  );
}

if (s.rateLimit) {
  push(
    '## Rate limits shared across instances',
    '',
    `A fresh key per round, three times its per-minute budget sent at once (${s.rateLimit.concurrency} in flight) alternating`,
    'between the two instances and nginx. The limiter is one atomic Lua script on a Redis sorted set (sliding-window log).',
    '',
    table(['Limit / min', 'Sent', 'Admitted', 'Excess', 'Excess %', 'Decided locally'], s.rateLimit.rounds.map((x) => [n(x.limit), n(x.sent), n(x.admitted), n(x.excess), pct(x.excessPct), n(x.localDecisions)])),
    '',
    'Where an excess comes from: every decision is one atomic script on one shared log, so instances never race each other.',
    'But an instance that gets no answer from Redis within 250 ms decides on its own in-memory log instead (the API stays up),',
    'while the script it sent may still run in Redis: such a request can be admitted once locally and counted once in Redis.',
    'On an overloaded machine a few decisions take that path ("decided locally" above); each can admit at most one request',
    'too many. Clock skew between instances (each sends its own `now`) shifts the window edge by the skew. During a Redis',
    'outage each instance limits on its own: at most N per instance (measured below).',
    '',
  );
}

if (s.revocation) {
  const v = s.revocation;
  push(
    '## Revocation reaches every instance',
    '',
    `${v.trials} keys, each warmed into both instances' caches, revoked through one instance (alternating) while every`,
    'instance is polled back to back; the lag is from the revoke response to the first 401 on that instance.',
    'Invalidation travels as a PostgreSQL `NOTIFY` sent inside the revoking transaction.',
    '',
    table(['Instance', 'Lag per trial (ms)'], v.lagMsByInstance.map((lags, i) => [String(i + 1), lags.map((x) => n(x)).join(', ')])),
    '',
    `Worst ${ms(v.maxLagMs)}, median ${ms(v.medianLagMs)} — contract ≤ 1 s: ${verdict(v.maxLagMs <= 1000)}.`,
    '',
  );
}

if (s.idempotency) {
  const i = s.idempotency;
  push(
    '## Idempotent duplicates on different instances',
    '',
    `${i.idempotencyKeys} idempotency keys, each sent ${i.copiesPerKey} times at once (twice to each instance, once through nginx) with the`,
    'same body.',
    '',
    table(['', ''], [
      ['Reservations made', `${n(i.reservationsMade)} (one per key: ${verdict(i.reservationsMade === i.idempotencyKeys && i.duplicateReservations === 0)})`],
      ['Answers replayed (`Idempotent-Replayed: true`)', n(i.replayed)],
      ['Answers 409 `idempotency_in_progress` (with Retry-After)', n(i.inProgress)],
    ]),
    '',
  );
}

push('## Faults', '');
if (s.faultRedis) {
  const f = s.faultRedis;
  push(
    '### Redis stopped under load',
    '',
    `${n(f.requests)} requests (key checks and bookings, 12 in flight); Redis was stopped, then started again.`,
    '',
    table(['', ''], [
      ['Requests during the outage', n(f.requestsDuringOutage)],
      ['5xx or transport errors', `${n(f.serverErrors)} — ${verdict(f.serverErrors === 0)}`],
      ['Local (fallback) decisions per instance', (f.fallbackDecisionsByInstance ?? []).map(n).join(' / ')],
      [`Key limited to ${f.limit}/min, during the outage`, `${n(f.admittedDuringOutage)} admitted (each instance enforces ${f.limit} on its own)`],
      [`Same, after Redis returned`, `${n(f.admittedAfterRecovery)} admitted (one shared budget again: ${verdict(f.admittedAfterRecovery === f.limit)})`],
      ['Both instances reconnected after restart', ms(f.reconnectMs)],
    ]),
    '',
    `Answers by phase: ${json(f.byPhase)}.`,
    '',
  );
}
if (s.faultPostgres) {
  const f = s.faultPostgres;
  push(
    '### PostgreSQL restarted under load',
    '',
    `Bookings with 12 in flight; PostgreSQL was stopped (fast shutdown) for ${ms(f.outageMs)} and started again.`,
    '',
    table(['', ''], [
      ['Requests', n(f.requests)],
      ['503 `service_unavailable` with `Retry-After` during the outage', n(f.outage503)],
      ['Other 5xx or transport errors', `${n(f.otherServerErrors)} — ${verdict(f.otherServerErrors === 0)}`],
      ['Serving again everywhere after the restart', ms(f.recoveryMs)],
      ['Acknowledged (201) / missing', `${n(f.acknowledged)} / ${n(f.missing)}`],
      ['Reservations without their outbox event / without their tables', `${n(f.withoutEvent)} / ${n(f.withoutTables)}`],
      ['Webhook events lost / delivered twice', `${n(f.eventsLost)} / ${n(f.duplicateDeliveries)}`],
    ]),
    '',
    'A booking whose commit was cut by the shutdown is either stored with its event or not at all (one transaction); its',
    'client got a 503 and retries. A webhook attempt that was sent but whose outcome could not be recorded while the',
    'database was away is sent again once its lease expires: delivery is at least once.',
    '',
    `Answers by phase: ${json(f.byPhase)}.`,
    '',
  );
}
if (s.faultSigkill) {
  const f = s.faultSigkill;
  push(
    '### An instance killed with SIGKILL under load',
    '',
    'Bookings with 12 in flight through nginx and both instances; one instance was killed with SIGKILL and started again.',
    '',
    table(['', ''], [
      ['Requests', n(f.requests)],
      ['Requests cut by the kill (nginx 502 or a reset connection: in flight at the killed instance)', n(phaseSum(f.byPhase, ['502', '0:ECONNRESET']))],
      ['Requests sent straight to the killed instance while it was down (connection refused)', n(phaseSum(f.byPhase, ['0:ECONNREFUSED']))],
      ['Acknowledged (201) / missing', `${n(f.acknowledged)} / ${n(f.missing)}`],
      ['Reservations without their outbox event', n(f.withoutEvent)],
      ['Outbox events / lost / delivered twice', `${n(f.events)} / ${n(f.eventsLost)} / ${n(f.duplicateDeliveries)}`],
      ['Every delivery completed, after the load stopped, within', `${ms(f.deliveryCompletedMs)} (a delivery in flight at the kill waits out its 30 s lease)`],
    ]),
    '',
    'A request cut by the kill has an unknown outcome for its client (it may or may not have committed): retrying it with',
    'the same `Idempotency-Key` is how a client resolves that. A delivery the killed instance had in flight is sent again',
    'when its lease expires (at least once: a receiver may see it twice, and deduplicates by `webhook-id`).',
    '',
    `Answers by phase: ${json(f.byPhase)}.`,
    '',
  );
}
if (s.sigterm) {
  const f = s.sigterm;
  push(
    '### SIGTERM: graceful drain',
    '',
    'Requests whose bodies were still arriving when the instance got SIGTERM, and webhook deliveries in flight to an endpoint',
    'that never answers.',
    '',
    table(['', ''], [
      ['In-flight requests answered (201/409)', `${n(f.inFlightAnswered)} of ${n(f.inFlightRequests)}`],
      ['Exit code / drain time', `${n(f.exitCode)} / ${ms(f.drainMs)}`],
      ['Requests counted in the usage log / expected (last batch flushed on the way out)', `${n(f.usageCounted)} / ${n(f.usageCountedExpected)}`],
      ['Deliveries in flight at SIGTERM / handed back / left leased', `${n(f.deliveriesInFlightAtSigterm)} / ${n(f.deliveriesHandedBack)} / ${n(f.deliveriesLeftLeased)}`],
    ]),
    '',
  );
}
if (s.rollingRestart) {
  const f = s.rollingRestart;
  push(
    '### Rolling restart behind nginx',
    '',
    'Bookings and reads with 12 in flight, all through nginx on its kept upstream connections (deploy/nginx.conf); each',
    'instance in turn was stopped with SIGTERM, started again, and given 5 s before the next one (docs/deploy.md).',
    '',
    table(['', ''], [
      ['Requests', n(f.requests)],
      ['Failed (5xx or a transport error)', `${n(f.failed)} — ${verdict(f.failed === 0)}`],
      ['Drain time of each instance', (f.drainMs ?? []).map(ms).join(' / ')],
      ['Acknowledged (201) / missing', `${n(f.acknowledged)} / ${n(f.missing)}`],
    ]),
    '',
    'A draining instance refuses new connections (nginx passes the request on, nothing having been sent), answers what',
    'still arrives on a kept connection with `Connection: close`, and leaves its idle kept connections for nginx to close',
    '(src/http/drain.ts). The drain lasts until the last connection is gone: nginx closes its idle ones after its',
    '`keepalive_timeout` (4 s), before the instance\'s 5 s grace (the suite fails if the instance had to close any).',
    '',
    `Answers by phase: ${json(f.byPhase)}.`,
    '',
  );
}
if (s.embeddedSigkill) {
  const f = s.embeddedSigkill;
  push(
    '### Embedded mode killed with SIGKILL',
    '',
    'One server on the embedded PostgreSQL (its own data directory), bookings with 8 in flight, then SIGKILL of the Maitre',
    'process and a restart on the same directory: the PostgreSQL it left running is shut down fast and started anew.',
    '',
    table(['', ''], [
      ['Attempts / acknowledged (201) / missing after restart', `${n(f.attempts)} / ${n(f.acknowledged)} / ${n(f.missing)}`],
      ['Stale lock file of the dead process taken over', f.staleLockTakenOver ? 'yes' : 'no'],
      ['Orphaned PostgreSQL of the dead process stopped and restarted', f.orphanRestarted ? 'yes' : 'no'],
      ['Restart until ready', ms(f.restartMs)],
    ]),
    '',
    'The embedded PostgreSQL runs with fsync and full_page_writes on: a booking is acknowledged only once its commit is on',
    'disk, so neither a process crash nor a power loss loses it.',
    '',
  );
}
if (s.fuzz) {
  push('## Hostile input', '', table(['', ''], Object.entries(s.fuzz).filter(([k]) => k !== 'recordedAt').map(([k, v]) => [k, typeof v === 'object' ? json(v) : n(v)])), '');
}

push(
  '## Reproduce',
  '',
  '```sh',
  'node --import tsx --test test/scale/scale-guarantees.test.ts test/scale/scale-faults.test.ts test/scale/scale-embedded.test.ts',
  'node scripts/reliability-report.mjs      # rewrites this file from test-results/reliability.json',
  '```',
  '',
  'Needs PostgreSQL server binaries (`initdb`, `postgres`), `redis-server` and nginx (`/usr/sbin/nginx`) on the machine;',
  'nothing else is touched. `MAITRE_SCALE_ATTEMPTS` changes the number of contended booking attempts (a longer soak).',
  'The topology, including the nginx configuration that was tested, is in `test/scale/topology.ts`.',
  '',
);

writeFileSync(resolve(values.out), out.join('\n'));
console.log(`reliability-report: wrote ${values.out} (${Object.keys(s).length} sections)`);
