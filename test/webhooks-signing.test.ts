import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { enqueueEvent } from '../src/modules/webhooks/outbox.js';
import { generateSecret, maitreSignature, signatureHeaders, standardKey } from '../src/modules/webhooks/signing.js';
import { startReceiver, tenantWithEndpoint, verifyMaitre, verifyStandard, webhookApp } from './webhooks-support.js';

const DOC = readFileSync(new URL('../docs/webhooks.md', import.meta.url), 'utf8');

function block(afterHeading: string, lang: string): string {
  const at = DOC.indexOf(afterHeading);
  assert.ok(at >= 0, `docs/webhooks.md has "${afterHeading}"`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(DOC.slice(at));
  assert.ok(m, `a ${lang} block after "${afterHeading}"`);
  return m[1];
}

interface Vectors {
  secret: string;
  previousSecret: string;
  webhookId: string;
  webhookTimestamp: string;
  body: string;
  xMaitreSignature: string;
  webhookSignature: string;
  webhookSignatureWhileRolling: string;
}

const V: Vectors = JSON.parse(block('### Test vectors', 'json'));

test('the published test vectors: the server signs exactly them', () => {
  const single = signatureHeaders([V.secret], V.webhookId, Number(V.webhookTimestamp), V.body);
  assert.equal(single['x-maitre-signature'], V.xMaitreSignature);
  assert.equal(single['webhook-signature'], V.webhookSignature);
  assert.equal(single['webhook-id'], V.webhookId);
  assert.equal(single['webhook-timestamp'], V.webhookTimestamp);
  const rolling = signatureHeaders([V.secret, V.previousSecret], V.webhookId, Number(V.webhookTimestamp), V.body);
  assert.equal(rolling['webhook-signature'], V.webhookSignatureWhileRolling);
  assert.equal(rolling['x-maitre-signature'], V.xMaitreSignature, 'X-Maitre-Signature: the new secret only');
});

test('the published test vectors verify with an independent implementation (WebCrypto)', async () => {
  const headers = { 'webhook-id': V.webhookId, 'webhook-timestamp': V.webhookTimestamp, 'webhook-signature': V.webhookSignatureWhileRolling };
  assert.ok(await verifyMaitre(V.secret, V.body, V.xMaitreSignature));
  assert.ok(await verifyStandard(V.secret, { ...headers, 'webhook-signature': V.webhookSignature }, V.body));
  assert.ok(await verifyStandard(V.secret, headers, V.body), 'new secret, while rolling');
  assert.ok(await verifyStandard(V.previousSecret, headers, V.body), 'old secret, while rolling');
  assert.equal(await verifyStandard(V.previousSecret, { ...headers, 'webhook-signature': V.webhookSignature }, V.body), false);
  assert.equal(await verifyStandard(V.secret, { ...headers, 'webhook-timestamp': '1767225601' }, V.body), false, 'the timestamp is signed');
  assert.equal(await verifyStandard(V.secret, { ...headers, 'webhook-id': 'evt_other' }, V.body), false, 'the id is signed');
  assert.equal(await verifyMaitre(V.previousSecret, V.body, V.xMaitreSignature), false);
});

test("the docs' Python snippet verifies the vectors (and rejects tampering)", (t) => {
  const probe = spawnSync('python3', ['--version']);
  if (probe.error) return t.skip('python3 is not installed');
  const driver = `
import json, sys
v = json.load(sys.stdin)
body = v["body"].encode()
ts = int(v["webhookTimestamp"])
h = {"webhook-id": v["webhookId"], "webhook-timestamp": v["webhookTimestamp"], "webhook-signature": v["webhookSignatureWhileRolling"]}
print(json.dumps([
  verify_webhook(v["secret"], {**h, "webhook-signature": v["webhookSignature"]}, body, now=ts),
  verify_webhook(v["secret"], h, body, now=ts),
  verify_webhook(v["previousSecret"], h, body, now=ts),
  verify_maitre_signature(v["secret"], v["xMaitreSignature"], body),
  verify_webhook(v["secret"], h, body + b" ", now=ts),
  verify_webhook(v["secret"], h, body, now=ts + 3600),
  verify_maitre_signature(v["previousSecret"], v["xMaitreSignature"], body),
]))
`;
  const r = spawnSync('python3', ['-c', block('### Python', 'python') + driver], { input: JSON.stringify(V), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [true, true, true, true, false, false, false]);
});

test("the docs' Node snippet verifies the vectors (and rejects tampering)", () => {
  const driver = `
const v = JSON.parse(process.env.VECTORS);
const now = Number(v.webhookTimestamp);
const h = { 'webhook-id': v.webhookId, 'webhook-timestamp': v.webhookTimestamp, 'webhook-signature': v.webhookSignatureWhileRolling };
console.log(JSON.stringify([
  verifyWebhook(v.secret, { ...h, 'webhook-signature': v.webhookSignature }, v.body, { now }),
  verifyWebhook(v.secret, h, Buffer.from(v.body), { now }),
  verifyWebhook(v.previousSecret, h, v.body, { now }),
  verifyMaitreSignature(v.secret, v.xMaitreSignature, v.body),
  verifyWebhook(v.secret, h, v.body + ' ', { now }),
  verifyWebhook(v.secret, h, v.body, { now: now + 3600 }),
  verifyMaitreSignature(v.previousSecret, v.xMaitreSignature, v.body),
]));
`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', block('### Node', 'js') + driver], {
    env: { ...process.env, VECTORS: JSON.stringify(V) }, encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), [true, true, true, true, false, false, false]);
});

test('secrets: whsec_ + base64 of 32 random bytes; a plain HMAC helper over the whole string gives X-Maitre-Signature', () => {
  const a = generateSecret();
  assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(standardKey(a).length, 32);
  assert.notEqual(generateSecret(), a);
  assert.equal(maitreSignature(V.secret, V.body), V.xMaitreSignature);
});

test('a rolled secret: both sign webhook-signature for 24 h, X-Maitre-Signature uses the new one; the secret never leaks', async () => {
  const receiver = await startReceiver();
  const t = await webhookApp();
  try {
    const { restaurant, endpoint, secret: oldSecret, key } = await tenantWithEndpoint(t, receiver.url);
    const rolled = await t.app.services.webhooks.rollSecret(restaurant.id, endpoint.id, { type: 'user', id: null });
    const newSecret = rolled.secret;
    assert.notEqual(newSecret, oldSecret);
    const until = Date.parse(rolled.view.previousSecretExpiresAt!);
    assert.ok(Math.abs(until - (Date.now() + 24 * 3_600_000)) < 60_000, 'the previous secret signs for 24 h');

    await t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.created', data: {} }));
    const [r1] = await receiver.waitFor(1);
    assert.equal(String(r1.headers['webhook-signature']).split(' ').length, 2);
    assert.ok(await verifyStandard(oldSecret, r1.headers, r1.body), 'a receiver still on the old secret verifies');
    assert.ok(await verifyStandard(newSecret, r1.headers, r1.body), 'a receiver on the new secret verifies');
    assert.ok(await verifyMaitre(newSecret, r1.body, r1.headers['x-maitre-signature'] as string));
    assert.equal(await verifyMaitre(oldSecret, r1.body, r1.headers['x-maitre-signature'] as string), false);

    // Once the overlap is over only the new secret signs.
    await t.db.query(`UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [endpoint.id]);
    await t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.updated', data: {} }));
    const r2 = (await receiver.waitFor(2))[1];
    assert.equal(String(r2.headers['webhook-signature']).split(' ').length, 1);
    assert.equal(await verifyStandard(oldSecret, r2.headers, r2.body), false);
    assert.ok(await verifyStandard(newSecret, r2.headers, r2.body));
    assert.equal((await t.app.services.webhooks.get(restaurant.id, endpoint.id)).previousSecretExpiresAt, null);

    const list = await t.app.inject({ method: 'GET', url: `/v1/restaurants/${restaurant.id}/webhooks`, headers: { authorization: `Bearer ${key}` } });
    const one = await t.app.inject({ method: 'GET', url: `/v1/restaurants/${restaurant.id}/webhooks/${endpoint.id}`, headers: { authorization: `Bearer ${key}` } });
    for (const text of [list.body, one.body, t.logs.join('')]) {
      for (const s of [oldSecret, newSecret]) {
        assert.ok(!text.includes(s.slice(6)), 'no secret in responses or logs');
      }
    }
    assert.ok(!('secret' in one.json()));
  } finally {
    await t.close();
    await receiver.close();
  }
});
