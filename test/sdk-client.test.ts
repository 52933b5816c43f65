/** The SDK against a real listening server: typed calls, errors, idempotency keys, safe retries, and the README example. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createTestApp, type TestApp } from './helpers/app.js';
import { tenantWithKey } from './helpers/keys.js';
import { seedDemoIfEmpty } from '../src/demo.js';
import { createMaitreClient, isMaitreApiError, MaitreApiError, unwrap, IDEMPOTENT_OPERATIONS } from '../sdk/src/index.js';
import { generateSdkSources } from '../scripts/sdk.js';

const run = promisify(execFile);
let t: TestApp;
let baseUrl: string;
let demoKey: string;

before(async () => {
  t = await createTestApp();
  const demo = await seedDemoIfEmpty(t.app.services);
  assert.ok(demo, 'the demo restaurant is seeded');
  demoKey = demo.key;
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => t.close());

/** A fetch that records what it sends (and can fail the first attempts like a dropped connection). */
function recordingFetch(failFirst = 0) {
  const sent: { method: string; url: string; idempotencyKey: string | null }[] = [];
  let failures = failFirst;
  const fetch = async (request: Request) => {
    sent.push({ method: request.method, url: request.url, idempotencyKey: request.headers.get('idempotency-key') });
    if (failures > 0) {
      failures -= 1;
      await globalThis.fetch(request); // the server gets it; the answer is "lost"
      throw new TypeError('fetch failed: connection reset');
    }
    return globalThis.fetch(request);
  };
  return { sent, fetch };
}

const nextFriday = () => new Date(Date.now() + ((12 - new Date().getUTCDay()) % 7 || 7) * 86_400_000).toISOString().slice(0, 10);

test('typed calls with the key: /v1/me and the restaurant profile', async () => {
  const maitre = createMaitreClient({ baseUrl, apiKey: demoKey });
  const me = await unwrap(maitre.GET('/v1/me'));
  assert.equal(me.restaurant.slug, 'demo');
  assert.ok(me.scopes.includes('reservations:write'));
  const profile = await unwrap(maitre.GET('/v1/restaurants/{restaurant}', { params: { path: { restaurant: 'demo' } } }));
  assert.equal(profile.name, 'Maitre Demo Bistro');
  assert.equal(profile.timezone, 'Europe/Paris');
});

test('errors: unwrap throws a typed MaitreApiError; without unwrap the envelope is returned', async () => {
  const bad = createMaitreClient({ baseUrl, apiKey: 'mtr_live_aaaaaaaa_notarealkey' });
  await assert.rejects(unwrap(bad.GET('/v1/me')), (err: unknown) => {
    assert.ok(isMaitreApiError(err, 'api_key_invalid'));
    assert.equal(err.status, 401);
    assert.match(err.requestId ?? '', /^req_/);
    assert.deepEqual(err.details, {});
    return true;
  });
  const other = await tenantWithKey(t.app);
  const maitre = createMaitreClient({ baseUrl, apiKey: other.key });
  const { data, error, response } = await maitre.GET('/v1/restaurants/{restaurant}', { params: { path: { restaurant: 'demo' } } });
  assert.equal(data, undefined);
  assert.equal(error?.error.code, 'restaurant_scope_mismatch');
  const e = MaitreApiError.from(response, error);
  assert.deepEqual([e.status, e.code, e.requestId], [403, 'restaurant_scope_mismatch', response.headers.get('x-request-id')]);
  const scopeless = await t.app.services.keys.create(other.restaurant.id, { name: 'narrow', scopes: ['webhooks:test'] }, { type: 'system', id: null });
  const narrow = createMaitreClient({ baseUrl, apiKey: scopeless.key });
  const missing = await narrow.GET('/v1/restaurants/{restaurant}', { params: { path: { restaurant: other.restaurant.slug } } });
  const m = MaitreApiError.from(missing.response, missing.error);
  assert.deepEqual([m.code, m.details.missingScope], ['scope_missing', 'config:read']);
});

test('a booking gets an Idempotency-Key on its own, and a lost answer is retried with the same key: booked once', async () => {
  assert.ok(IDEMPOTENT_OPERATIONS.has('POST /v1/restaurants/{restaurant}/reservations'));
  const rec = recordingFetch(1);
  const maitre = createMaitreClient({ baseUrl, apiKey: demoKey, fetch: rec.fetch });
  const date = nextFriday();
  const day = await unwrap(maitre.GET('/v1/restaurants/{restaurant}/availability', { params: { path: { restaurant: 'demo' }, query: { date, partySize: 4 } } }));
  const slot = day.slots.find((s) => s.available);
  assert.ok(slot, `a free slot on ${date}`);
  assert.equal(rec.sent[0].idempotencyKey, null, 'a GET carries no key');
  // The GET above already took the one simulated failure; fail the POST's first attempt too.
  const rec2 = recordingFetch(1);
  const booker = createMaitreClient({ baseUrl, apiKey: demoKey, fetch: rec2.fetch });
  const booking = await unwrap(booker.POST('/v1/restaurants/{restaurant}/reservations', {
    params: { path: { restaurant: 'demo' } },
    body: { date, time: slot.time, partySize: 4, customer: { name: 'Grace Hopper', email: 'grace@example.com' } },
  }));
  assert.equal(rec2.sent.length, 2, 'one retry');
  assert.ok(rec2.sent[0].idempotencyKey && rec2.sent[0].idempotencyKey === rec2.sent[1].idempotencyKey, 'the same generated key');
  const list = await unwrap(booker.GET('/v1/restaurants/{restaurant}/reservations', { params: { path: { restaurant: 'demo' }, query: { date } } }));
  assert.equal(list.data.filter((r) => r.customer?.email === 'grace@example.com').length, 1, 'booked once');
  assert.equal(list.data.find((r) => r.customer?.email === 'grace@example.com')?.id, booking.id);
});

test('an explicit Idempotency-Key replays; a request that is not idempotent is never retried', async () => {
  const maitre = createMaitreClient({ baseUrl, apiKey: demoKey });
  const date = nextFriday();
  const body = { date, time: '12:30', partySize: 2, customer: { name: 'Alan Turing', email: 'alan@example.com' } };
  const params = { path: { restaurant: 'demo' }, header: { 'Idempotency-Key': `alan-${date}` } };
  const first = await maitre.POST('/v1/restaurants/{restaurant}/reservations', { params, body });
  const again = await maitre.POST('/v1/restaurants/{restaurant}/reservations', { params, body });
  assert.equal(first.response.status, 201, JSON.stringify(first.error));
  assert.equal(again.response.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.data?.id, first.data?.id);
  const conflict = await maitre.POST('/v1/restaurants/{restaurant}/reservations', { params, body: { ...body, partySize: 3 } });
  assert.equal(MaitreApiError.from(conflict.response, conflict.error).code, 'idempotency_conflict');

  const rec = recordingFetch(1);
  const flaky = createMaitreClient({ baseUrl, apiKey: demoKey, fetch: rec.fetch });
  await assert.rejects(
    flaky.PATCH('/v1/restaurants/{restaurant}/reservations/{id}', { params: { path: { restaurant: 'demo', id: first.data!.id } }, body: { notes: 'x' } }),
    /connection reset/,
  );
  assert.equal(rec.sent.length, 1, 'a PATCH without a key is not repeated');
});

test('the README example is the example file, and it books a table against the server', async () => {
  const example = readFileSync(new URL('../sdk/examples/book-a-table.ts', import.meta.url), 'utf8');
  const readme = readFileSync(new URL('../sdk/README.md', import.meta.url), 'utf8');
  const published = example.replace("'../src/index.js'", "'@maitre/sdk'");
  assert.ok(readme.includes(`\`\`\`ts\n${published}\`\`\``), 'sdk/README.md shows sdk/examples/book-a-table.ts verbatim (import from @maitre/sdk)');
  const lines = published.trim().split('\n').filter((l) => l.trim() !== '');
  assert.ok(lines.length <= 10, `ten lines: ${lines.length}`);
  const env = { ...process.env, MAITRE_URL: baseUrl, MAITRE_API_KEY: demoKey };
  const script = new URL('../sdk/examples/book-a-table.ts', import.meta.url).pathname;
  const first = await run(process.execPath, ['--import', 'tsx', script], { env });
  assert.match(first.stdout, /^Booked [A-Z0-9]{3}-[A-Z0-9]{4}: 2 people on \d{4}-\d{2}-\d{2} at \d{2}:\d{2}\n$/);
  const second = await run(process.execPath, ['--import', 'tsx', script], { env });
  assert.equal(second.stdout, first.stdout, 'run twice: the same booking, replayed');
});

test('the SDK types and operations are generated from the committed openapi.json', async () => {
  for (const [file, text] of Object.entries(await generateSdkSources())) {
    assert.ok(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8') === text, `${file} is stale: run \`npm run sdk\``);
  }
});
