/**
 * Shared by the dashboard browser suites (test/browser/dashboard-*.test.ts): builds the dashboard when dist/dashboard is
 * missing or older than its sources, starts the real server on a fresh database with a restaurant (through the real
 * importer) and an owner, drives Debian's Chromium with playwright-core, and watches every page for errors, CSP
 * violations and requests that leave the server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Config } from '../../src/config.js';
import type { Role } from '../../src/modules/admin/users.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createAdminUser } from '../helpers/admin.js';
import { bistro, createTenant, type Tenant } from '../helpers/booking.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The newest modification time of a file under `path` (itself, if a file). */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/**
 * `npm test` on a fresh tree, or after web/ changed: build the dashboard if dist/dashboard is missing or older than its
 * sources (the tests rely on what the current pages render). Both dashboard suites may start together: the first takes
 * a lock directory (mkdir is atomic) and builds, the other waits for it.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const index = `${ROOT}dist/dashboard/index.html`;
  const lock = `${ROOT}dist/.dashboard-build-lock`;
  // web/ and the two server modules web/src/types.ts bundles (the scopes and event types lists).
  const sources = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'src/modules/keys/scopes.ts', 'src/modules/webhooks/event-types.ts']
    .map((p) => `${ROOT}${p}`)
    .filter((p) => existsSync(p));
  const upToDate = () => existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newest));
  if (upToDate()) return;
  mkdirSync(`${ROOT}dist`, { recursive: true });
  let mine = false;
  try {
    mkdirSync(lock);
    mine = true;
  } catch {
    /* another test file is building it */
  }
  if (mine) {
    try {
      // Only the dashboard's configuration (without arguments the script builds the widget too, which its own suite does).
      if (!upToDate()) {
        const r = spawnSync(process.execPath, ['scripts/build-web.mjs', 'web/vite.config.ts'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CI: '1' } });
        assert.equal(r.status, 0, 'node scripts/build-web.mjs web/vite.config.ts failed');
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  } else {
    const deadline = Date.now() + 180_000;
    while (existsSync(lock) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.ok(!existsSync(lock), `another process has been building the dashboard for 3 minutes: remove ${lock} if none is`);
  }
  assert.ok(upToDate(), 'the build wrote no up-to-date dist/dashboard/index.html');
}

export interface Dashboard {
  t: TestApp;
  base: string;
  browser: Browser;
  tenant: Tenant;
  owner: { id: string; email: string; password: string };
  /** Adds a member of the restaurant with a role; returns the login. */
  member(role: Role): Promise<{ email: string; password: string }>;
  /** A new page whose problems (console errors, CSP violations, failed or foreign requests) `checkPage` asserts. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  checkPage(page: Page): void;
  close(): Promise<void>;
}

export async function startDashboard(opts: { config?: Partial<Config>; extend?: (app: FastifyInstance) => void } = {}): Promise<Dashboard> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set MAITRE_SKIP_BROWSER=1)`);
  await ensureDashboardBuilt();
  mkdirSync(`${ROOT}test-results`, { recursive: true });
  const t = await createTestApp({ config: opts.config, extend: opts.extend });
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const tenant = await createTenant(t.app, bistro({ name: 'Chez Playwright' }));
  const { user, email, password } = await createAdminUser(t, { restaurantId: tenant.id, role: 'owner', name: 'Olivia Owner' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const problems = new WeakMap<Page, string[]>();
  return {
    t,
    base,
    browser,
    tenant,
    owner: { id: user.id, email, password },
    async member(role) {
      const m = await createAdminUser(t, { restaurantId: tenant.id, role, name: `${role} member` });
      return { email: m.email, password: m.password };
    },
    async newPage(viewport = { width: 1280, height: 900 }) {
      const page = await browser.newPage({ viewport });
      page.setDefaultTimeout(15_000);
      const list: string[] = [];
      problems.set(page, list);
      page.on('console', (m) => {
        // A refused API call logs "Failed to load resource" (the page shows the error itself): not a page problem.
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) list.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => list.push(`page error: ${e.message}`));
      page.on('request', (r) => {
        const url = r.url();
        if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) list.push(`foreign request: ${url}`);
      });
      page.on('requestfailed', (r) => {
        const text = r.failure()?.errorText ?? '';
        if (!/ERR_ABORTED/.test(text)) list.push(`request failed: ${r.url()} ${text}`);
      });
      return page;
    },
    checkPage(page) {
      assert.deepEqual(problems.get(page) ?? [], [], 'the page had no errors, CSP violations or foreign requests');
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** Signs in through the form and waits for the shell (the Tonight page opens first). */
export async function signIn(page: Page, base: string, login: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/dashboard/`);
  await page.getByLabel('Email').fill(login.email);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * Waits until no part of the page is loading: the dashboard marks every load in progress `aria-busy="true"` (its
 * <Loading> placeholder, the email preview). Deterministic where Playwright's `networkidle` (no request for 500 ms)
 * is not: it timed out now and then on a busy CI box.
 */
export async function settled(page: Page): Promise<void> {
  // A locator, not waitForFunction: the dashboard's CSP refuses the eval a string predicate needs.
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
}

/** test-results/dashboard-<name>.png, without the passing status messages (they are asserted, not pictured). */
export async function screenshot(page: Page, name: string): Promise<void> {
  // (A full-page capture of a scrolled page would draw the sticky header mid-page: scroll to the top first.)
  await page.evaluate(`document.querySelector('.toasts')?.style.setProperty('visibility', 'hidden'); window.scrollTo(0, 0)`);
  await page.screenshot({ path: `${ROOT}test-results/dashboard-${name}.png`, fullPage: true });
  await page.evaluate(`document.querySelector('.toasts')?.style.removeProperty('visibility')`);
}
