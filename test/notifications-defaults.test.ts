/**
 * MAITRE_PUBLIC_URL and MAITRE_SMTP_FROM reach guest emails through each app's own configuration: two apps of one
 * process, built with different values, render their own manage links and calendar organizers (no process-wide state).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z } from './helpers/booking.js';
import { LiveClock } from './notifications-support.js';

const TUE = '2026-03-03';

/** Books at the app's demo restaurant (whose manage link is the server's /demo page) and returns the confirmation's bodies. */
async function demoConfirmation(t: TestApp, email: string) {
  const r = await createTenant(t.app, bistro({ slug: 'demo' }));
  const res = await r.post('/reservations', { date: TUE, time: '19:30', partySize: 2, customer: { name: 'Ada', email } });
  assert.equal(res.statusCode, 201, res.body);
  const { rows } = await t.db.query(`SELECT text_body, html_body, ics FROM guest_messages WHERE reservation_id = $1 AND kind = 'confirmation'`, [res.json().id]);
  assert.equal(rows.length, 1);
  const preview = await t.app.services.notifications.preview(r.id, 'confirmation', 'en');
  const m = rows[0] as { text_body: string; html_body: string; ics: string };
  return { reference: res.json().reference as string, ...m, preview };
}

test('two apps in one process with different public URLs and senders render their own manage links and organizers', async () => {
  const a = await createTestApp({ clock: new LiveClock(MONDAY_9Z), config: { publicUrl: 'https://a.maitre.test', smtpFrom: 'bookings@a.maitre.test' } });
  const b = await createTestApp({ clock: new LiveClock(MONDAY_9Z), config: { publicUrl: 'https://b.maitre.test/', smtpFrom: 'bookings@b.maitre.test' } });
  try {
    // Both apps are alive; the first one built books after the second one was built.
    const ma = await demoConfirmation(a, 'ada@example.com');
    const mb = await demoConfirmation(b, 'ada@example.com');
    const link = (base: string, reference: string) => `${base}/demo?maitre_manage=${reference}&maitre_contact=ada%40example.com`;
    assert.ok(ma.text_body.includes(link('https://a.maitre.test', ma.reference)), ma.text_body);
    assert.ok(mb.text_body.includes(link('https://b.maitre.test', mb.reference)), mb.text_body);
    assert.ok(!ma.text_body.includes('b.maitre.test') && !mb.text_body.includes('a.maitre.test'));
    assert.ok(ma.html_body.includes('https://a.maitre.test/demo?') && mb.html_body.includes('https://b.maitre.test/demo?'));
    assert.match(ma.ics, /ORGANIZER[^\r\n]*mailto:bookings@a\.maitre\.test/);
    assert.match(mb.ics, /ORGANIZER[^\r\n]*mailto:bookings@b\.maitre\.test/);
    // The admin preview uses its app's values too.
    assert.ok(ma.preview.text.includes('https://a.maitre.test/demo?maitre_manage='), ma.preview.text);
    assert.ok(mb.preview.text.includes('https://b.maitre.test/demo?maitre_manage='), mb.preview.text);
  } finally {
    await a.close();
    await b.close();
  }
});
