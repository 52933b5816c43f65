/**
 * Guest emails without SMTP (rendered and kept as not_sent), permanent and temporary SMTP failures, invalid addresses
 * refused at booking, GDPR erasure, the admin routes (list, read, resend, preview) and their roles, and logs that
 * carry no address or body.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, TestClock, type TestApp } from './helpers/app.js';
import { signIn } from './helpers/admin.js';
import { bistro, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { calendarOf, LiveClock, startSmtp, waitUntil } from './notifications-support.js';
import { simpleParser } from 'mailparser';

const TUE = '2026-03-03';
let n = 0;
const guestEmail = (tag = 'guest') => `${tag}${++n}-${process.pid}@example.com`;

async function messages(t: TestApp, restaurantId: string) {
  return (await t.db.query(`SELECT id, kind, status, attempts, last_error, recipient FROM guest_messages WHERE restaurant_id = $1 ORDER BY created_at, kind`, [restaurantId])).rows;
}

test('without SMTP: messages are rendered and kept as not_sent; the admin API lists, reads, resends and previews them', async () => {
  const t = await createTestApp({ clock: new LiveClock(MONDAY_9Z) });
  try {
    assert.equal(t.app.services.notificationWorker.sending, false);
    const r = await createTenant(t.app, bistro({ notifications: { reminderLeadHours: 2 } } as never));
    const email = guestEmail();
    const v = (await r.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Léa', email } })).json();
    await waitUntil(async () => (await messages(t, r.id)).find((m) => m.kind === 'confirmation')?.status === 'not_sent');
    const rows = await messages(t, r.id);
    assert.deepEqual(rows.map((m) => [m.kind, m.status]), [['confirmation', 'not_sent'], ['reminder', 'pending']], 'the reminder waits for its time');

    const owner = await signIn(t, r.id, 'owner');
    const staff = await signIn(t, r.id, 'staff');
    const base = `/admin/api/restaurants/${r.slug}`;
    const list = await t.app.inject({ method: 'GET', url: `${base}/messages?reservationId=${v.id}`, headers: staff.headers });
    assert.equal(list.statusCode, 200, list.body);
    const page = list.json();
    assert.equal(page.data.length, 2);
    const conf = page.data.find((m: { kind: string }) => m.kind === 'confirmation');
    assert.deepEqual([conf.status, conf.to, conf.channel, conf.language, conf.reservationId, conf.customerId, conf.sentAt],
      ['not_sent', email, 'email', 'en', v.id, v.customer.id, null]);
    const byCustomer = (await t.app.inject({ method: 'GET', url: `${base}/messages?customerId=${v.customer.id}&kind=confirmation`, headers: staff.headers })).json();
    assert.deepEqual(byCustomer.data.map((m: { id: string }) => m.id), [conf.id]);
    const paged = (await t.app.inject({ method: 'GET', url: `${base}/messages?limit=1`, headers: staff.headers })).json();
    assert.equal(paged.data.length, 1);
    const next = (await t.app.inject({ method: 'GET', url: `${base}/messages?limit=1&cursor=${paged.nextCursor}`, headers: staff.headers })).json();
    assert.equal(next.data.length, 1);
    assert.notEqual(next.data[0].id, paged.data[0].id);
    const bad = await t.app.inject({ method: 'GET', url: `${base}/messages?cursor=nonsense`, headers: staff.headers });
    assert.deepEqual([bad.statusCode, bad.json().error.code], [422, 'validation_failed']);

    const one = await t.app.inject({ method: 'GET', url: `${base}/messages/${conf.id}`, headers: staff.headers });
    assert.equal(one.statusCode, 200);
    const detail = one.json();
    assert.ok(detail.text.includes(v.reference) && detail.html.includes(v.reference));
    assert.match(detail.ics, /^BEGIN:VCALENDAR\r\n/);
    const missing = await t.app.inject({ method: 'GET', url: `${base}/messages/msg_nope`, headers: staff.headers });
    assert.deepEqual([missing.statusCode, missing.json().error.code], [404, 'not_found']);

    // Resend: a new confirmation row, same calendar UID and SEQUENCE.
    const resend = await t.app.inject({ method: 'POST', url: `${base}/reservations/${v.id}/messages`, headers: staff.headers, payload: { kind: 'confirmation' } });
    assert.equal(resend.statusCode, 201, resend.body);
    assert.equal(resend.json().kind, 'confirmation');
    assert.notEqual(resend.json().id, conf.id);
    const again = (await t.app.inject({ method: 'GET', url: `${base}/messages/${resend.json().id}`, headers: staff.headers })).json();
    assert.match(again.ics, new RegExp(`UID:${v.id}@maitre\\r\\nSEQUENCE:0`));
    const wrongKind = await t.app.inject({ method: 'POST', url: `${base}/reservations/${v.id}/messages`, headers: staff.headers, payload: { kind: 'reminder' } });
    assert.deepEqual([wrongKind.statusCode, wrongKind.json().error.code], [422, 'validation_failed']);
    const noEmail = (await r.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Phone only', phone: '+33612345678' } })).json();
    const refused = await t.app.inject({ method: 'POST', url: `${base}/reservations/${noEmail.id}/messages`, headers: staff.headers, payload: { kind: 'confirmation' } });
    assert.deepEqual([refused.statusCode, refused.json().error.code], [422, 'validation_failed']);
    assert.equal((await messages(t, r.id)).filter((m) => m.recipient === null).length, 0);
    await r.post(`/reservations/${v.id}/cancel`, {});
    const cancelled = await t.app.inject({ method: 'POST', url: `${base}/reservations/${v.id}/messages`, headers: staff.headers, payload: { kind: 'confirmation' } });
    assert.deepEqual([cancelled.statusCode, cancelled.json().error.code, cancelled.json().error.details.status], [409, 'conflict', 'cancelled']);
    const unknown = await t.app.inject({ method: 'POST', url: `${base}/reservations/res_aaaaaaaaaaaaaaaaaaaa/messages`, headers: staff.headers, payload: { kind: 'confirmation' } });
    assert.deepEqual([unknown.statusCode, unknown.json().error.code], [404, 'reservation_not_found']);

    // Preview: managers and owners; the restaurant's real name, its next bookable slot, both languages.
    const preview = await t.app.inject({ method: 'GET', url: `${base}/messages/preview?kind=change&language=fr`, headers: owner.headers });
    assert.equal(preview.statusCode, 200, preview.body);
    const p = preview.json();
    assert.deepEqual([p.kind, p.language], ['change', 'fr']);
    assert.match(p.subject, /^Votre réservation chez Test Bistro a changé : lundi 2 mars 2026 à \d\dh\d\d/);
    assert.ok(p.html.includes('<html lang="fr">') && p.text.includes('Bonjour'));
    assert.match(p.ics, /SEQUENCE:1/);
    const offer = (await t.app.inject({ method: 'GET', url: `${base}/messages/preview?kind=waitlist_offer`, headers: owner.headers })).json();
    assert.equal(offer.ics, null);
    const staffPreview = await t.app.inject({ method: 'GET', url: `${base}/messages/preview`, headers: staff.headers });
    assert.equal(staffPreview.statusCode, 403);
    const anonymous = await t.app.inject({ method: 'GET', url: `${base}/messages` });
    assert.equal(anonymous.statusCode, 401);
    const other = await createTenant(t.app, bistro());
    const foreign = await t.app.inject({ method: 'GET', url: `/admin/api/restaurants/${other.slug}/messages/${conf.id}`, headers: owner.headers });
    assert.equal(foreign.statusCode, 404, 'not a member of the other restaurant: it does not exist for this user');

    // No address or body in the logs.
    const logs = t.logs.join('');
    assert.ok(!logs.includes(email), 'no guest address in the logs');
    assert.ok(!logs.includes(v.reference), 'no message content in the logs');
  } finally {
    await t.close();
  }
});

test('invalid email addresses are refused at booking with 422 naming the field; nothing is queued', async () => {
  const t = await createTestApp({ clock: new TestClock(MONDAY_9Z) });
  try {
    const r = await createTenant(t.app, bistro());
    for (const email of ['not-an-email', 'a@', '@b.example', 'a b@example.com', 'x@example.com\r\nBcc: evil@example.com', '']) {
      const res = await r.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'X', email } });
      assert.equal(res.statusCode, 422, `${JSON.stringify(email)}: ${res.body}`);
      assert.equal(res.json().error.code, 'validation_failed');
      assert.ok(res.json().error.details.issues.some((i: { path: string }) => i.path === 'body.customer.email'), res.body);
    }
    const lang = await r.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'X', email: guestEmail() }, language: 'de' });
    assert.deepEqual([lang.statusCode, lang.json().error.details.issues[0].path], [422, 'body.language']);
    assert.equal((await messages(t, r.id)).length, 0);
    // A bad notifications section of the configuration is refused with its path.
    const cfg = await t.app.services.restaurants.exportConfig(r.id);
    const owner = await signIn(t, r.id, 'owner');
    const put = await t.app.inject({
      method: 'PUT', url: `/admin/api/restaurants/${r.slug}/config`, headers: owner.headers,
      payload: { ...cfg, notifications: { ...cfg.notifications, fromAddress: 'nope', reminderLeadHours: 0, manageUrl: 'http://plain.example' } },
    });
    assert.equal(put.statusCode, 422);
    const paths = put.json().error.details.issues.map((i: { path: string }) => i.path).sort();
    assert.deepEqual(paths, ['body.notifications.fromAddress', 'body.notifications.manageUrl', 'body.notifications.reminderLeadHours']);
  } finally {
    await t.close();
  }
});

test('SMTP: a 5xx reply fails the message with the reply; a 4xx is retried and then sent; erasure removes the messages', async () => {
  const smtp = await startSmtp();
  const t = await createTestApp({ clock: new LiveClock(MONDAY_9Z), config: { smtpUrl: smtp.url, notifyRetryDelaysMs: [200, 200] } });
  try {
    const r: Tenant = await createTenant(t.app, bistro());
    let tempFailures = 0;
    smtp.rejectRecipient = (address) => {
      if (address.startsWith('bounce')) return { code: 550, message: '5.1.1 Mailbox does not exist' };
      if (address.startsWith('busy') && tempFailures < 1) {
        tempFailures += 1;
        return { code: 451, message: '4.7.1 Try again later' };
      }
      return null;
    };
    const bounce = guestEmail('bounce');
    const a = (await r.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'B', email: bounce } })).json();
    const b = (await r.post('/reservations', { date: TUE, time: '12:15', partySize: 2, customer: { name: 'C', email: guestEmail('busy') } })).json();
    await waitUntil(async () => {
      const rows = await messages(t, r.id);
      const conf = (id: string) => rows.find((m) => m.kind === 'confirmation' && m.recipient.startsWith(id));
      return conf('bounce')?.status === 'failed' && conf('busy')?.status === 'sent';
    });
    const rows = await messages(t, r.id);
    const failed = rows.find((m) => m.kind === 'confirmation' && m.recipient === bounce)!;
    assert.equal(failed.attempts, 1, 'a permanent failure is not retried');
    assert.match(failed.last_error, /^550 5\.1\.1 Mailbox does not exist/);
    const sent = rows.find((m) => m.kind === 'confirmation' && m.recipient.startsWith('busy'))!;
    assert.equal(sent.attempts, 2);
    assert.equal(sent.last_error, null);
    assert.equal(smtp.received.length, 1);
    assert.equal(calendarOf(await simpleParser(smtp.received[0].raw)).uid, `${b.id}@maitre`);
    assert.ok(!t.logs.join('').includes(bounce), 'the reply quotes nothing of the address into the logs');

    // GDPR erasure: the guest's messages are gone.
    const owner = await signIn(t, r.id, 'owner');
    const erase = await t.app.inject({ method: 'POST', url: `/admin/api/restaurants/${r.slug}/customers/${a.customer.id}/erase`, headers: owner.headers, payload: {} });
    assert.equal(erase.statusCode, 200, erase.body);
    const left = await messages(t, r.id);
    assert.equal(left.filter((m) => m.recipient === bounce).length, 0);
    assert.ok(left.some((m) => m.recipient.startsWith('busy')), "another guest's messages stay");
    const { rows: dump } = await t.db.query(`SELECT * FROM guest_messages`);
    assert.ok(!JSON.stringify(dump).includes(bounce));
  } finally {
    await t.close();
    await smtp.close();
  }
});
