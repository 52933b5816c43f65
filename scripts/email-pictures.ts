/**
 * The pictures of docs/notifications.md: every guest email of the demo restaurant, as the server writes it
 * (GET /admin/api/restaurants/demo/messages/preview, the same route as Settings › Email preview), drawn by Chromium
 * into docs/images/email-<kind>.png (and the confirmation in French: email-confirmation-fr.png).
 *
 *   npx tsx scripts/email-pictures.ts
 *
 * Uses a fresh database on the PostgreSQL of the tests (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432;
 * dropped at the end) and Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through playwright-core.
 * Nothing is sent: the preview only writes the emails.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { seedDemoIfEmpty } from '../src/demo.js';
import { createTestApp } from '../test/helpers/app.js';
import { signIn } from '../test/helpers/admin.js';

const OUT = fileURLToPath(new URL('../docs/images/', import.meta.url));
const KINDS = ['confirmation', 'change', 'cancellation', 'reminder', 'waitlist_offer'] as const;
const PICTURES: { kind: (typeof KINDS)[number]; language: 'en' | 'fr'; file: string }[] = [
  ...KINDS.map((kind) => ({ kind, language: 'en' as const, file: `email-${kind}.png` })),
  { kind: 'confirmation', language: 'fr', file: 'email-confirmation-fr.png' },
];

const t = await createTestApp({ config: { demo: true } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  await seedDemoIfEmpty(t.app.services);
  const demo = await t.app.services.restaurants.getProfile('demo');
  const { headers } = await signIn(t, demo.id, 'owner');
  mkdirSync(OUT, { recursive: true });
  // An email is read in a narrow window: 640 px, as a mail client's reading pane.
  const page = await browser.newPage({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 1 });
  // The emails load nothing; a request would be a template fault.
  page.on('request', (r) => {
    if (!r.url().startsWith('about:') && !r.url().startsWith('data:')) throw new Error(`the email loads ${r.url()}`);
  });
  for (const p of PICTURES) {
    const res = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/demo/messages/preview?kind=${p.kind}&language=${p.language}`, headers });
    if (res.statusCode !== 200) throw new Error(`preview ${p.kind}/${p.language}: ${res.statusCode} ${res.body}`);
    const { html, subject } = res.json() as { html: string; subject: string };
    await page.setContent(html, { waitUntil: 'load' });
    await page.screenshot({ path: `${OUT}${p.file}`, fullPage: true });
    console.log(`docs/images/${p.file}  ${subject}`);
  }
} finally {
  await browser.close();
  await t.close();
}
