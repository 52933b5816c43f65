import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from './helpers/app.js';
import { bearer, SYSTEM, tenantWithKey } from './helpers/keys.js';
import { enqueueEvent } from '../src/modules/webhooks/outbox.js';
import { httpSender, type SendRequest } from '../src/modules/webhooks/sender.js';
import { WebhookService } from '../src/modules/webhooks/service.js';
import { blockedAddressReason, vetWebhookUrl, type Resolver } from '../src/modules/webhooks/ssrf.js';
import { startReceiver, waitUntil, webhookApp } from './webhooks-support.js';

const answers = (map: Record<string, string[]>): Resolver => async (host) => {
  const list = map[host];
  if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

test('registration refuses loopback, private, link-local, metadata and DNS names resolving there (422 on body.url)', async () => {
  const t = await createTestApp(); // MAITRE_WEBHOOK_ALLOW_PRIVATE off
  try {
    const { restaurant, key } = await tenantWithKey(t.app);
    const create = (url: string) =>
      t.app.inject({ method: 'POST', url: `/v1/restaurants/${restaurant.slug}/webhooks`, headers: bearer(key), payload: { url, events: ['*'] } });
    const refused: [string, RegExp][] = [
      ['https://127.0.0.1/hooks', /loopback address \(127\.0\.0\.1\)/],
      ['https://127.9.9.9:8443/hooks', /loopback/],
      ['https://10.1.2.3/hooks', /private address \(10\.1\.2\.3\)/],
      ['https://172.20.0.1/', /private/],
      ['https://192.168.1.10/', /private/],
      ['https://169.254.169.254/latest/meta-data/', /cloud metadata address/],
      ['https://169.254.10.1/', /link-local/],
      ['https://[::1]/hooks', /loopback address \(::1\)/],
      ['https://[::ffff:127.0.0.1]/', /loopback/],
      ['https://[fd00:ec2::254]/', /metadata/],
      ['https://[fe80::1]/', /link-local/],
      ['https://[fc00::5]/', /unique local/],
      ['https://100.64.0.1/', /CGNAT/],
      ['https://0.0.0.0/', /this network/],
      ['https://0x7f000001/', /loopback/], // the URL parser turns this into 127.0.0.1
      ['https://localhost/hooks', /host "localhost" resolves to a loopback address/],
      ['http://example.com/hooks', /must use https/],
      ['https://user:pw@example.com/', /credentials/],
      ['not a url', /not a valid absolute URL/],
    ];
    for (const [url, why] of refused) {
      const res = await create(url);
      assert.equal(res.statusCode, 422, url);
      const err = res.json().error;
      assert.equal(err.code, 'validation_failed');
      assert.equal(err.details.issues[0].path, 'body.url', url);
      assert.match(err.details.issues[0].message, why, url);
    }
    const list = await t.app.inject({ method: 'GET', url: `/v1/restaurants/${restaurant.slug}/webhooks`, headers: bearer(key) });
    assert.deepEqual(list.json().data, [], 'nothing was registered');
  } finally {
    await t.close();
  }
});

test('address rules: every blocked range, in IPv4, IPv6 and IPv4-in-IPv6 forms; public addresses pass', () => {
  const blocked = [
    '127.0.0.1', '127.255.255.254', '10.0.0.0', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.0.1',
    '169.254.0.1', '169.254.169.254', '100.64.0.1', '100.127.255.255', '0.0.0.0', '0.1.2.3', '224.0.0.1', '255.255.255.255',
    '::', '::1', 'fe80::1', 'febf::1', 'fc00::1', 'fdff:ffff::1', 'fd00:ec2::254', 'ff02::1', '::ffff:10.0.0.1',
    '::ffff:169.254.169.254', '::ffff:7f00:1', '::127.0.0.1', '64:ff9b::10.0.0.1', '2002:0a00:0001::1', '2001:db8::1',
  ];
  for (const a of blocked) assert.ok(blockedAddressReason(a), a);
  const open = ['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '192.169.0.1',
    '169.255.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:0808:0808::1'];
  for (const a of open) assert.equal(blockedAddressReason(a), null, a);
  assert.equal(blockedAddressReason('169.254.169.254'), 'the cloud metadata address');
});

test('a DNS name is refused if ANY of its addresses is internal; unresolvable names are refused', async () => {
  const resolve = answers({
    'metadata.example.com': ['169.254.169.254'],
    'mixed.example.com': ['93.184.216.34', '10.0.0.7'],
    'v6.example.com': ['2606:4700::1', '::1'],
    'fine.example.com': ['93.184.216.34', '2606:4700::1'],
  });
  const vet = (url: string) => vetWebhookUrl(url, { allowPrivate: false, resolve });
  await assert.rejects(vet('https://metadata.example.com/'), /resolves to the cloud metadata address \(169\.254\.169\.254\)/);
  await assert.rejects(vet('https://mixed.example.com/'), /resolves to a private address \(10\.0\.0\.7\)/);
  await assert.rejects(vet('https://v6.example.com/'), /resolves to a loopback address \(::1\)/);
  await assert.rejects(vet('https://nowhere.example.com/'), /does not resolve \(ENOTFOUND\)/);
  assert.equal(await vet('https://fine.example.com/hooks?x=1'), 'https://fine.example.com/hooks?x=1');
  // The switch lifts the address rules and allows http.
  assert.equal(await vetWebhookUrl('http://127.0.0.1:8080/x', { allowPrivate: true }), 'http://127.0.0.1:8080/x');
});

test('checked again at delivery: a name that later resolves inside (DNS rebinding) is refused, nothing is sent', async () => {
  const t = await webhookApp({ config: { webhookAllowPrivate: false, webhookRetryDelaysMs: [50] } });
  try {
    const { restaurant } = await tenantWithKey(t.app);
    // Registered while it resolved to a public address…
    const service = new WebhookService(t.db, { allowPrivate: false, resolve: answers({ 'rebind.example.com': ['93.184.216.34'] }) });
    const { view } = await service.create(restaurant.id, { url: 'https://rebind.example.com/hooks', events: ['*'] }, SYSTEM);
    // …and now it answers 127.0.0.1.
    const sent: SendRequest[] = [];
    Object.assign(t.app.services.webhookDispatcher.options, {
      resolve: answers({ 'rebind.example.com': ['127.0.0.1'] }),
      sender: async (req: SendRequest) => {
        sent.push(req);
        return { statusCode: 200, durationMs: 1, error: null, excerpt: '' };
      },
    });
    await t.db.transaction((tx) => enqueueEvent(tx, { restaurantId: restaurant.id, type: 'booking.created', data: {} }));
    const [d] = await waitUntil(async () => {
      const l = (await t.app.services.webhooks.deliveries(restaurant.id, view.id, { limit: 5, beforeSeq: null, status: null })).data;
      return l[0]?.status === 'dead' ? l : null;
    });
    assert.equal(sent.length, 0, 'no connection was attempted');
    assert.equal(d.attempts, 2, 'retried like any failure');
    assert.match(d.lastError!, /^refused: the URL host "rebind.example.com" resolves to a loopback address \(127\.0\.0\.1\)/);
  } finally {
    await t.close();
  }
});

test('the connection goes to the checked address, not to a fresh DNS answer (pinning)', async () => {
  const receiver = await startReceiver(() => ({ status: 200, body: 'pinned' }));
  try {
    // "pinned.invalid" does not resolve at all: only the pinned address can have been used.
    const url = new URL(`http://pinned.invalid:${receiver.port}/hooks`);
    const result = await httpSender({ url, addresses: [{ address: '127.0.0.1', family: 4 }], headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 2_000 });
    assert.deepEqual([result.statusCode, result.error, result.excerpt], [200, null, 'pinned']);
    assert.equal(receiver.requests[0].headers.host, `pinned.invalid:${receiver.port}`, 'the Host header keeps the name');
    const unpinned = await httpSender({ url, addresses: null, headers: {}, body: '{}', timeoutMs: 2_000 });
    assert.equal(unpinned.statusCode, null);
    assert.match(unpinned.error!, /ENOTFOUND|EAI_AGAIN/);
  } finally {
    await receiver.close();
  }
});
