/**
 * The dashboard in real Chromium (playwright-core + Debian's /usr/bin/chromium) against the real server on a fresh
 * database: sign-in (wrong password, session expiry, sign-out), how the dashboard is served (headers, SPA fallback),
 * and the API keys page — create a key and read it once, use it against the API, rotate it, revoke it and see the API
 * refuse it, delete the old one. Screenshots: test-results/dashboard-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { Page } from 'playwright-core';
import { registerErrorHandling } from '../../src/http/errors-handler.js';
import { dashboardRoutes } from '../../src/modules/dashboard/routes.js';
import { DEMO_WIDGET_KEY_NAME } from '../../src/demo.js';
import { axeViolations } from './axe.js';
import { screenshot, settled, signIn, startDashboard, type Dashboard } from './dashboard-support.js';

let d: Dashboard;
type ErrorBody = { error: { code: string } };
before(async () => {
  d = await startDashboard();
});
after(async () => {
  await d?.close();
});

const me = (key: string) => fetch(`${d.base}/v1/me`, { headers: { authorization: `Bearer ${key}` } });

/** The row of the keys table whose key id is `id`. */
const row = (page: Page, id: string) => page.locator(`tr[data-key-id="${id}"]`);

test('the dashboard is served with its security headers, client routes fall back to the app, assets are cached', async () => {
  const redirect = await fetch(`${d.base}/dashboard`, { redirect: 'manual' });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), '/dashboard/');

  for (const path of ['/dashboard/', '/dashboard/r/whatever/keys']) {
    const res = await fetch(`${d.base}${path}`);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const part of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) assert.ok(csp.includes(part), part);
    assert.ok(!csp.includes('unsafe-inline'));
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.ok(res.headers.get('referrer-policy'));
    const html = await res.text();
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline script in index.html');
    const asset = html.match(/src="(\/dashboard\/assets\/[^"]+\.js)"/)?.[1];
    assert.ok(asset, 'index.html loads a hashed script');
    const js = await fetch(`${d.base}${asset}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
    assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
  }
  const missing = await fetch(`${d.base}/dashboard/assets/nope-123.js`);
  assert.equal(missing.status, 404, 'a missing asset is a 404, not the app');
  assert.equal(((await missing.json()) as ErrorBody).error.code, 'not_found');
  const traversal = await fetch(`${d.base}/dashboard/..%2f..%2fpackage.json`);
  assert.notEqual(traversal.status, 200);
});

test('without a build, /dashboard answers 503 saying to run npm run build (a page for browsers, the error envelope otherwise)', async () => {
  const app = Fastify();
  registerErrorHandling(app);
  await app.register(dashboardRoutes, { prefix: '/dashboard', root: '/nonexistent/maitre-dashboard' });
  try {
    const page = await app.inject({ url: '/dashboard/r/demo/tonight', headers: { accept: 'text/html,application/xhtml+xml' } });
    assert.equal(page.statusCode, 503);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /npm run build/);
    assert.ok(page.headers['content-security-policy']);
    const json = await app.inject({ url: '/dashboard/', headers: { accept: 'application/json' } });
    assert.equal(json.statusCode, 503);
    assert.equal(json.json().error.code, 'service_unavailable');
    assert.match(json.json().error.message, /npm run build/);
    assert.equal(json.headers['retry-after'], '60');
    assert.equal((await app.inject({ url: '/dashboard/assets/app.js' })).statusCode, 404);
  } finally {
    await app.close();
  }
});

test('sign-in: a wrong password is refused with a message, an expired session returns to sign-in, sign-out works', async () => {
  const page = await d.newPage();
  await page.goto(`${d.base}/dashboard/`);
  await page.getByRole('heading', { name: 'Sign in to the dashboard' }).waitFor();
  await screenshot(page, 'signin');
  await page.getByLabel('Email').fill(d.owner.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'That email and password do not match.' }).waitFor();

  await page.getByLabel('Password').fill(d.owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Tonight' }).waitFor();
  assert.match(page.url(), new RegExp(`/dashboard/r/${d.tenant.slug}/tonight$`));
  await page.getByText('Chez Playwright').first().waitFor();

  // Reload keeps the session (cookie), and the client route is served by the server.
  await page.goto(`${d.base}/dashboard/r/${d.tenant.slug}/audit`);
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();

  // The session ends (12 hours pass on the server's clock): the next call returns to sign-in with a message. That
  // call is the click below, or one the page makes on its own first (then the link is gone before the click lands).
  await settled(page);
  d.t.clock.advance(13 * 3600_000);
  try {
    const expired = page.getByText('Your session has expired. Sign in again to continue.');
    await page.getByRole('link', { name: 'Guests' }).click({ timeout: 5000 }).catch(async (err: unknown) => {
      if (!(await expired.isVisible())) throw err;
    });
    await expired.waitFor();
    await page.getByRole('heading', { name: 'Sign in to the dashboard' }).waitFor();
  } finally {
    d.t.clock.advance(-13 * 3600_000); // back to the browser's time for the other tests
  }

  // A request the page made before the user signed out, answered after it (401: the session is gone), does not
  // turn "signed out" into "your session has expired": Tonight's floor is held until the sign-out is shown.
  let letFloorThrough!: () => void;
  const held = new Promise<void>((resolve) => (letFloorThrough = resolve));
  await page.route('**/admin/api/restaurants/*/floor', async (route) => {
    await held;
    await route.continue();
  });
  await signIn(page, d.base, d.owner);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You are signed out.').waitFor();
  const late = page.waitForResponse('**/admin/api/restaurants/*/floor');
  letFloorThrough();
  assert.equal((await late).status(), 401);
  await page.evaluate('new Promise((resolve) => setTimeout(resolve, 100))'); // the app has handled the late answer
  assert.ok(await page.getByText('You are signed out.').isVisible(), 'still signed out, not "expired"');
  assert.equal(await page.getByText('Your session has expired').count(), 0);
  await page.unroute('**/admin/api/restaurants/*/floor');
  const session = await page.evaluate(`fetch('/admin/api/session').then((r) => r.status)`);
  assert.equal(session, 401, 'the session is gone on the server');
  d.checkPage(page);
  await page.close();
});

test('API keys: create and read once, use it, rotate, revoke and see the API refuse it, delete with its logs', async () => {
  const page = await d.newPage();
  await signIn(page, d.base, d.owner);
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  await page.getByRole('button', { name: 'Create key' }).click();

  const dialog = page.getByRole('dialog', { name: 'Create an API key' });
  await dialog.waitFor();
  assert.equal(await page.evaluate(`document.activeElement === document.querySelector('dialog[open] input')`), true, 'focus is in the dialog');
  assert.equal(await dialog.getByLabel('Rate limit (requests per minute)').inputValue(), '120');

  // Bad input first: no name, an origin that is not an origin, a rate limit out of range.
  await dialog.getByLabel(/Allowed origins/).fill('www.example.com/shop');
  await dialog.getByLabel('Rate limit (requests per minute)').fill('1001');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  await dialog.getByText('Give the key a name').waitFor();
  await dialog.getByText('"www.example.com/shop" is not an origin').waitFor();
  await dialog.getByText('Enter a whole number from 1 to 1000.').waitFor();
  assert.equal(await dialog.getByLabel('Name').getAttribute('aria-invalid'), 'true');

  await dialog.getByLabel('Name').fill('Website widget');
  await dialog.getByLabel(/Allowed origins/).fill('https://www.example.com\nhttp://localhost:8080/');
  await dialog.getByLabel('Rate limit (requests per minute)').fill('60');
  await dialog.getByRole('button', { name: 'Write' }).click();
  assert.equal(await dialog.getByRole('checkbox', { name: /webhooks:write/ }).isChecked(), true, 'the Write preset checks every scope');
  await dialog.getByRole('button', { name: 'Read' }).click();
  assert.equal(await dialog.getByRole('checkbox', { name: /reservations:write/ }).isChecked(), false);
  await dialog.getByRole('checkbox', { name: /reservations:write/ }).check();
  await screenshot(page, 'keys-create');
  await dialog.getByRole('button', { name: 'Create key' }).click();

  const reveal = page.getByRole('dialog', { name: 'Your new API key' });
  await reveal.getByText('You will not see it again').waitFor();
  const key = await reveal.getByLabel('API key “Website widget”').inputValue();
  assert.match(key, /^mtr_live_[a-z0-9]{8}_[A-Za-z0-9]{38}$/);
  await screenshot(page, 'keys-reveal');
  await reveal.getByRole('button', { name: 'I have copied it' }).click();
  await page.getByRole('status').filter({ hasText: 'Key “Website widget” created.' }).waitFor();

  // The key works against the API, with the settings chosen in the dialog.
  const res = await me(key);
  assert.equal(res.status, 200);
  const view = (await res.json()) as { id: string; name: string; prefix: string; rateLimitPerMinute: number; allowedOrigins: string[]; scopes: string[] };
  assert.equal(view.name, 'Website widget');
  assert.equal(view.rateLimitPerMinute, 60);
  assert.deepEqual(view.allowedOrigins, ['https://www.example.com', 'http://localhost:8080']);
  assert.deepEqual(
    [...view.scopes].sort(),
    ['availability:read', 'config:read', 'customers:read', 'reservations:read', 'reservations:write'],
  );
  const keyId: string = view.id;

  // The table shows it; the plaintext is nowhere on the page any more.
  const created = row(page, keyId);
  await created.getByText('Active', { exact: true }).waitFor();
  assert.equal(await created.locator('td.mono').innerText(), view.prefix);
  assert.ok(!(await page.content()).includes(key), 'the key is shown once');
  await page.reload();
  await row(page, keyId).waitFor();
  assert.ok(!(await page.content()).includes(key));

  // Its usage: the request above appears in the log and the chart.
  await row(page, keyId).getByRole('link', { name: 'Usage of Website widget' }).click();
  await page.getByRole('heading', { name: 'Usage of “Website widget”' }).waitFor();
  const logLine = page.locator('table.log-table tbody tr', { hasText: 'GET /v1/me' });
  for (let i = 0; i < 40 && (await logLine.count()) === 0; i++) {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForTimeout(250);
  }
  await logLine.first().waitFor();
  await logLine.first().getByText('200').waitFor();
  await page.getByRole('img', { name: 'Requests per day over 30 days: 1 in total' }).waitFor();
  await page.locator('.facts').getByText('just now').waitFor();
  await screenshot(page, 'key-usage');
  await page.getByRole('link', { name: '← API keys' }).click();

  // Rotate with a 24-hour grace: a new key shown once; the old one keeps working with a deprecation header.
  await row(page, keyId).getByRole('button', { name: 'Rotate Website widget' }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate this key?' });
  await rotate.getByLabel('Old key stays valid').selectOption({ label: '24 hours' });
  await rotate.getByRole('button', { name: 'Rotate key' }).click();
  const rotatedReveal = page.getByRole('dialog', { name: 'The rotated API key' });
  const newKey = await rotatedReveal.getByLabel('API key “Website widget”').inputValue();
  assert.notEqual(newKey, key);
  await rotatedReveal.getByRole('button', { name: 'I have copied it' }).click();
  const newRes = await me(newKey);
  assert.equal(newRes.status, 200);
  const newId = ((await newRes.json()) as { id: string }).id;
  const oldRes = await me(key);
  assert.equal(oldRes.status, 200);
  assert.equal(oldRes.headers.get('deprecation'), 'true');
  assert.ok(oldRes.headers.get('sunset'), 'a Sunset date for a grace period');
  await row(page, keyId).getByText('Rotating', { exact: true }).waitFor();
  await row(page, keyId).getByText(/^until /).waitFor();
  await row(page, newId).getByText('Active', { exact: true }).waitFor();

  // Revoke the new key: confirm, then the API refuses it at once.
  await row(page, newId).getByRole('button', { name: 'Revoke Website widget' }).click();
  const confirmRevoke = page.getByRole('dialog', { name: 'Revoke this key?' });
  await confirmRevoke.getByText('will be refused at once').waitFor();
  await confirmRevoke.getByRole('button', { name: 'Revoke key' }).click();
  await row(page, newId).getByText('Revoked', { exact: true }).waitFor();
  const refused = await me(newKey);
  assert.equal(refused.status, 401);
  assert.equal(((await refused.json()) as ErrorBody).error.code, 'api_key_invalid');
  await screenshot(page, 'keys');

  // Delete the old one: the dialog says its usage logs go too; cancelling changes nothing.
  await row(page, keyId).getByRole('button', { name: 'Delete Website widget' }).click();
  const confirmDelete = page.getByRole('dialog', { name: 'Delete this key?' });
  await confirmDelete.getByText('all of its usage logs').waitFor();
  await confirmDelete.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await me(key)).status, 200, 'cancel keeps the key');
  await row(page, keyId).getByRole('button', { name: 'Delete Website widget' }).click();
  await confirmDelete.getByRole('button', { name: 'Delete key and its logs' }).click();
  await row(page, keyId).waitFor({ state: 'detached' });
  assert.equal((await me(key)).status, 401);
  const usage = await d.t.db.query<{ n: number }>(`SELECT (SELECT count(*) FROM api_key_usage_daily WHERE key_id = $1)::int + (SELECT count(*) FROM api_key_usage_recent WHERE key_id = $1)::int AS n`, [keyId]);
  assert.equal(usage.rows[0].n, 0, 'its usage logs are gone');

  d.checkPage(page);
  await page.close();
});

test('the AI agent (MCP) preset checks the agent scopes and shows the MCP URL and a client configuration, with the key once made', async () => {
  const page = await d.newPage();
  await signIn(page, d.base, d.owner);
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an API key' });
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('heading', { name: 'Connect an AI agent (MCP)' }).count(), 0, 'no MCP help before the preset');

  await dialog.getByRole('button', { name: 'AI agent (MCP)' }).click();
  const agentScopes = ['config:read', 'availability:read', 'reservations:read', 'reservations:write', 'reservations:cancel', 'waitlist:write'];
  for (const scope of ['config:read', 'availability:read', 'reservations:read', 'reservations:write', 'reservations:cancel', 'waitlist:write',
    'customers:read', 'customers:write', 'webhooks:test', 'webhooks:write']) {
    assert.equal(
      await dialog.getByRole('checkbox', { name: new RegExp(`^${scope} `) }).isChecked(),
      agentScopes.includes(scope),
      `${scope} is ${agentScopes.includes(scope) ? '' : 'not '}checked by the preset`,
    );
  }
  await dialog.getByRole('heading', { name: 'Connect an AI agent (MCP)' }).waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'MCP server URL', exact: true }).inputValue(), `${d.base}/mcp`);
  const http = await dialog.getByRole('textbox', { name: 'Configuration for Streamable HTTP (JSON)', exact: true }).inputValue();
  assert.deepEqual(JSON.parse(http), {
    mcpServers: { maitre: { type: 'http', url: `${d.base}/mcp`, headers: { Authorization: 'Bearer <your API key>' } } },
  });
  await dialog.getByLabel('Client', { exact: true }).selectOption({ label: 'Claude Desktop' });
  const desktop = JSON.parse(await dialog.getByRole('textbox', { name: 'Configuration for Claude Desktop', exact: true }).inputValue());
  assert.deepEqual(desktop.mcpServers.maitre.args, ['-y', 'mcp-remote', `${d.base}/mcp`, '--header', 'Authorization:${MAITRE_AUTH}', '--allow-http']);
  assert.equal(desktop.mcpServers.maitre.env.MAITRE_AUTH, 'Bearer <your API key>');
  await screenshot(page, 'keys-mcp');

  // Another preset hides it again; the agent preset brings it back.
  await dialog.getByRole('button', { name: 'Booking widget' }).click();
  await dialog.getByRole('heading', { name: 'Connect an AI agent (MCP)' }).waitFor({ state: 'detached' });
  await dialog.getByRole('button', { name: 'AI agent (MCP)' }).click();
  await dialog.getByLabel('Name').fill('Concierge agent');
  await dialog.getByRole('button', { name: 'Create key' }).click();

  // The reveal carries the real key in the snippet, for the client chosen there.
  const reveal = page.getByRole('dialog', { name: 'Your new API key' });
  const key = await reveal.getByLabel('API key “Concierge agent”').inputValue();
  assert.match(key, /^mtr_live_/);
  const withKey = JSON.parse(await reveal.getByRole('textbox', { name: 'Configuration for Streamable HTTP (JSON)', exact: true }).inputValue());
  assert.equal(withKey.mcpServers.maitre.headers.Authorization, `Bearer ${key}`);
  await reveal.getByLabel('Client', { exact: true }).selectOption({ label: 'Claude Code (command line)' });
  assert.equal(
    await reveal.getByRole('textbox', { name: 'Configuration for Claude Code (command line)', exact: true }).inputValue(),
    `claude mcp add --transport http maitre ${d.base}/mcp --header "Authorization: Bearer ${key}"`,
  );
  const view = (await (await me(key)).json()) as { scopes: string[] };
  assert.deepEqual([...view.scopes].sort(), [...agentScopes].sort(), 'the key has exactly the agent scopes');
  await reveal.getByRole('button', { name: 'I have copied it' }).click();
  assert.ok(!(await page.content()).includes(key), 'the key is gone from the page with the dialog');
  d.checkPage(page);
  await page.close();
});

test('a system key (the server’s own /demo key) shows why it cannot be rotated, revoked or deleted, and the API refuses it', async () => {
  // The server makes this key for the `demo` restaurant; the name marks a system key wherever it is (only the server can give it).
  const system = await d.t.app.services.keys.create(
    d.tenant.id, { name: DEMO_WIDGET_KEY_NAME, scopes: ['availability:read', 'reservations:write'] }, { type: 'system', id: 'demo-page' },
  );
  const page = await d.newPage();
  await signIn(page, d.base, d.owner);
  await page.getByRole('link', { name: 'API keys' }).click();
  const systemRow = row(page, system.view.id);
  await systemRow.getByText('System', { exact: true }).waitFor();
  await systemRow.getByText('Managed by the server: the /demo page uses it.').waitFor();
  for (const action of ['Rotate', 'Revoke', 'Delete']) {
    assert.equal(await systemRow.getByRole('button', { name: `${action} ${DEMO_WIDGET_KEY_NAME}` }).count(), 0, `no ${action} button`);
  }
  await page.getByText('cannot be rotated, revoked or deleted here: doing so would break /demo').waitFor();
  await systemRow.getByRole('link', { name: `Usage of ${DEMO_WIDGET_KEY_NAME}` }).waitFor();

  // With the dashboard's own session, the admin API refuses it too.
  const status = await page.evaluate(async ([slug, id]) => {
    const res = await fetch(`/admin/api/restaurants/${slug}/keys/${id}/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
  }, [d.tenant.slug, system.view.id]);
  assert.deepEqual(status, [409, 'conflict']);
  const date = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const works = await fetch(`${d.base}/v1/restaurants/${d.tenant.slug}/availability?date=${date}&partySize=2`, {
    headers: { 'x-api-key': system.key },
  });
  assert.equal(works.status, 200, 'the key still works');
  await screenshot(page, 'keys-system');
  d.checkPage(page);
  await page.close();
});

test('axe-core finds no violation on the signed-in dashboard: every page, the key dialogs with the MCP help, a system key', async () => {
  const page = await d.newPage();
  await signIn(page, d.base, d.owner);
  const check = async (where: string) => assert.deepEqual(await axeViolations(page), [], where);
  const pages = [
    ['Tonight', /Tonight|Today|\d/], ['Guests', 'Guests'], ['Webhooks', 'Webhooks'], ['Settings', 'Settings'], ['Audit log', 'Audit log'],
    ['API keys', 'API keys'],
  ] as const;
  for (const [link, heading] of pages) {
    await page.getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: heading }).first().waitFor();
    await settled(page);
    await check(link);
  }
  await page.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an API key' });
  await dialog.getByRole('button', { name: 'AI agent (MCP)' }).click();
  await dialog.getByRole('button', { name: 'Create key' }).click(); // no name: the field errors show
  await dialog.getByText('Give the key a name').waitFor();
  await check('create dialog with the MCP help and a field error');
  await dialog.getByLabel('Name').fill('a11y agent');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const reveal = page.getByRole('dialog', { name: 'Your new API key' });
  await reveal.getByRole('heading', { name: 'Connect an AI agent (MCP)' }).waitFor();
  await check('reveal dialog with the MCP configuration');
  await reveal.getByRole('button', { name: 'I have copied it' }).click();
  // The check can fail: an image without a text alternative is reported.
  await page.evaluate(`document.querySelector('main')?.append(Object.assign(document.createElement('img'), { id: 'axe-probe', src: 'data:,' }))`);
  assert.deepEqual((await axeViolations(page)).map((v) => [v.id, v.nodes]), [['image-alt', ['["#axe-probe"]']]]);
  d.checkPage(page);
  await page.close();
});

test('API keys on a phone: the table scrolls, the menu opens, the create dialog fits', async () => {
  const page = await d.newPage({ width: 390, height: 844 });
  await signIn(page, d.base, d.owner);
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  // The heading comes before the keys: measure once they are there (the table, or the empty line), not the loading line.
  await page.locator('table.keys-table').or(page.getByText('No keys yet.')).waitFor();
  const overflow = await page.evaluate<number>(`document.documentElement.scrollWidth - window.innerWidth`);
  assert.ok(overflow <= 1, `the page does not scroll sideways (${overflow}px)`);
  await page.getByRole('button', { name: 'Create key' }).click();
  const box = await page.getByRole('dialog', { name: 'Create an API key' }).boundingBox();
  assert.ok(box && box.width <= 390, 'the dialog fits the screen');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Create an API key' }).waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(`document.activeElement?.textContent`), 'Create key', 'focus returns to the button that opened it');
  await screenshot(page, 'keys-phone');
  d.checkPage(page);
  await page.close();
});
