/**
 * Guest emails end to end: bookings through the API, a real SMTP server in-process, the received MIME parsed with
 * mailparser and the .ics with ical.js — confirmation, change, cancellation, reminder (a controllable clock) and a
 * waitlist offer, in English and French.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from './helpers/app.js';
import { bistro, createTenant, MONDAY_9Z, type Tenant } from './helpers/booking.js';
import { calendarOf, LiveClock, startSmtp, waitUntil, type Received, type SmtpSink } from './notifications-support.js';

let t: TestApp;
let smtp: SmtpSink;
let clock: LiveClock;
before(async () => {
  smtp = await startSmtp();
  clock = new LiveClock(MONDAY_9Z);
  t = await createTestApp({ clock, config: { smtpUrl: smtp.url, smtpFrom: 'bookings@maitre.test' } });
});
after(async () => {
  await t.close();
  await smtp.close();
});

const TUE = '2026-03-03';
const MANAGE = 'https://bistro.example/book';
let n = 0;
const guestEmail = () => `guest${++n}-${process.pid}@example.com`;

async function tenant(notifications: Record<string, unknown> = {}): Promise<Tenant> {
  return createTenant(t.app, bistro({
    name: 'Bistro <Les "Amis"> & Co',
    contact: { phone: '+33 1 23 45 67 89', email: 'hello@bistro.example' },
    location: { address: '12 rue des Martyrs', city: 'Paris', postalCode: '75009', country: 'FR' },
    notifications: { manageUrl: MANAGE, confirmationNote: 'Dogs welcome; ask for the <terrace>.', ...notifications },
  } as never));
}

const byMessage = (id: string) => (r: Received) => r.mail.headers.get('x-maitre-message') === id;
async function messagesOf(reservationId: string) {
  const { rows } = await t.db.query(
    `SELECT id, kind, status, send_after, language, attempts, last_error FROM guest_messages WHERE reservation_id = $1 ORDER BY created_at, kind`,
    [reservationId],
  );
  return rows;
}
async function received(id: string): Promise<Received> {
  await waitUntil(() => smtp.received.some(byMessage(id)), 20_000, () => `email ${id}`);
  return smtp.received.find(byMessage(id))!;
}

test('confirmation: both parts, headers, escaped HTML, manage link, note, policy, and a REQUEST .ics at the right local time', async () => {
  const r = await tenant();
  const email = guestEmail();
  const res = await r.post('/reservations', { date: TUE, time: '19:30', partySize: 2, customer: { name: 'Zoé <b>Durand</b>', email } });
  assert.equal(res.statusCode, 201, res.body);
  const v = res.json();
  const rows = await messagesOf(v.id);
  assert.deepEqual(rows.map((m) => [m.kind, m.language]), [['confirmation', 'en'], ['reminder', 'en']]);
  const confirmation = rows.find((m) => m.kind === 'confirmation')!;
  const { mail, to, raw } = await received(confirmation.id);

  assert.deepEqual(to, [email]);
  assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.value[0].address : null, email);
  assert.equal(mail.from?.value[0].address, 'bookings@maitre.test');
  assert.equal(mail.from?.value[0].name, 'Bistro <Les "Amis"> & Co');
  assert.equal(mail.replyTo?.value[0].address, 'hello@bistro.example');
  assert.equal(mail.messageId, `<${confirmation.id}@maitre>`);
  assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
  assert.equal(mail.subject, `Your table at Bistro <Les "Amis"> & Co on Tuesday 3 March 2026 at 19:30 (${v.reference})`);

  // The plain-text part: everything a guest needs, readable without HTML.
  const text = mail.text!;
  for (const part of ['Hello Zoé <b>Durand</b>,', 'Tuesday 3 March 2026', '19:30', '2 guests', v.reference, '12 rue des Martyrs, 75009 Paris',
    '+33 1 23 45 67 89', 'Dogs welcome; ask for the <terrace>.', 'until 2 hours before it starts']) {
    assert.ok(text.includes(part), `text has ${part}`);
  }
  const link = `${MANAGE}?maitre_manage=${v.reference}&maitre_contact=${encodeURIComponent(email)}`;
  assert.ok(text.includes(link), `text has the manage link ${link}`);

  // The HTML part: values escaped, no images, the same facts, the link.
  const html = mail.html as string;
  assert.ok(html.includes('Zoé &lt;b&gt;Durand&lt;/b&gt;'), 'guest name escaped');
  assert.ok(html.includes('Bistro &lt;Les &quot;Amis&quot;&gt; &amp; Co'), 'restaurant name escaped');
  assert.ok(html.includes('ask for the &lt;terrace&gt;.'), 'note escaped');
  assert.ok(!/<b>Durand/.test(html) && !/<img/i.test(html), 'no raw markup from data, no images');
  assert.ok(html.includes(`href="${link.replace(/&/g, '&amp;')}"`), 'manage link in HTML');
  assert.ok(html.includes(v.reference) && html.includes('19:30') && html.includes('Tuesday 3 March 2026'));
  assert.match(raw, /Content-Type: multipart\/alternative/i);

  const cal = calendarOf(mail);
  assert.equal(cal.method, 'REQUEST');
  assert.equal(cal.uid, `${v.id}@maitre`);
  assert.equal(cal.sequence, 0);
  assert.equal(cal.status, 'CONFIRMED');
  assert.equal(cal.tzid, 'Europe/Paris');
  assert.equal(cal.localStart, '2026-03-03T19:30:00');
  assert.equal(cal.startMs, Date.parse(v.startsAt), 'DTSTART with its VTIMEZONE is the booking instant');
  assert.equal(cal.endMs, Date.parse(v.endsAt));
  assert.ok(cal.text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'lines folded at 75 octets');

  await waitUntil(async () => (await messagesOf(v.id)).find((m) => m.kind === 'confirmation')!.status === 'sent');
  const reminder = (await messagesOf(v.id)).find((m) => m.kind === 'reminder')!;
  assert.equal(reminder.status, 'pending');
  assert.equal(new Date(reminder.send_after).toISOString(), new Date(Date.parse(v.startsAt) - 24 * 3_600_000).toISOString());
});

test('change then cancellation: SEQUENCE grows, the same UID, METHOD:CANCEL; the reminder is superseded then skipped', async () => {
  const r = await tenant();
  const email = guestEmail();
  const v = (await r.post('/reservations', { date: TUE, time: '19:30', partySize: 2, customer: { name: 'Marc', email }, language: 'fr' })).json();
  const first = await messagesOf(v.id);
  const confirmation = await received(first.find((m) => m.kind === 'confirmation')!.id);
  assert.equal(confirmation.mail.subject, `Votre table chez Bistro <Les "Amis"> & Co le mardi 3 mars 2026 à 19h30 (${v.reference})`);
  assert.ok(confirmation.mail.text!.includes('Bonjour Marc,'));
  assert.ok(confirmation.mail.text!.includes('2 personnes'));

  // Notes only: nothing to tell the guest.
  assert.equal((await r.patch(`/reservations/${v.id}`, { notes: 'window seat' })).statusCode, 200);
  assert.equal((await messagesOf(v.id)).length, 2);

  const moved = await r.patch(`/reservations/${v.id}`, { time: '20:00', partySize: 3 });
  assert.equal(moved.statusCode, 200, moved.body);
  const afterMove = await messagesOf(v.id);
  assert.deepEqual(afterMove.map((m) => [m.kind, m.status === 'sent' ? 'pending' : m.status]).sort(),
    [['change', 'pending'], ['confirmation', 'pending'], ['reminder', 'pending'], ['reminder', 'skipped']]);
  const change = await received(afterMove.find((m) => m.kind === 'change')!.id);
  assert.match(change.mail.subject!, /a changé : mardi 3 mars 2026 à 20h00/);
  assert.ok(change.mail.text!.includes('3 personnes'));
  const c1 = calendarOf(change.mail);
  assert.deepEqual([c1.method, c1.uid, c1.sequence, c1.localStart], ['REQUEST', `${v.id}@maitre`, 1, '2026-03-03T20:00:00']);
  const newReminder = afterMove.find((m) => m.kind === 'reminder' && m.status === 'pending')!;
  assert.equal(new Date(newReminder.send_after).toISOString(), new Date(Date.parse(moved.json().startsAt) - 24 * 3_600_000).toISOString());

  const cancelled = await r.post(`/reservations/${v.id}/cancel`, { reason: 'ill' });
  assert.equal(cancelled.statusCode, 200);
  const afterCancel = await messagesOf(v.id);
  assert.equal(afterCancel.filter((m) => m.kind === 'reminder' && m.status === 'pending').length, 0, 'no reminder left to send');
  assert.equal(afterCancel.filter((m) => m.kind === 'reminder' && m.status === 'skipped').length, 2);
  const cancel = await received(afterCancel.find((m) => m.kind === 'cancellation')!.id);
  assert.match(cancel.mail.subject!, /est annulée/);
  assert.ok(!cancel.mail.text!.includes('maitre_manage'), 'no manage link on a cancelled booking');
  const c2 = calendarOf(cancel.mail);
  assert.deepEqual([c2.method, c2.uid, c2.sequence, c2.status], ['CANCEL', `${v.id}@maitre`, 2, 'CANCELLED']);
});

test('reminder: sent when its time comes (clock moved), never for a booking made less than the lead ahead, skipped on no-show', async () => {
  const r = await tenant({ reminderLeadHours: 3 });
  const v = (await r.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Ines', email: guestEmail() } })).json();
  const reminder = (await messagesOf(v.id)).find((m) => m.kind === 'reminder')!;
  assert.equal(new Date(reminder.send_after).toISOString(), new Date(Date.parse(v.startsAt) - 3 * 3_600_000).toISOString());
  // Booked at Monday 10:00 Paris for a lunch today (13:00): less than 3 h ahead, so no reminder.
  const soon = (await r.post('/reservations', { date: '2026-03-02', time: '12:30', partySize: 2, customer: { name: 'Soon', email: guestEmail() } })).json();
  assert.deepEqual((await messagesOf(soon.id)).map((m) => m.kind), ['confirmation']);
  const noShow = (await r.post('/reservations', { date: TUE, time: '13:00', partySize: 2, customer: { name: 'Gone', email: guestEmail() } })).json();

  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(smtp.received.some(byMessage(reminder.id)), false, 'not before its time');
  clock.advance(Date.parse(v.startsAt) - 3 * 3_600_000 - clock.now() + 1_000); // to just after start − 3 h
  assert.equal((await r.patch(`/reservations/${noShow.id}`, { status: 'no_show' })).statusCode, 200);
  const { mail } = await received(reminder.id);
  assert.match(mail.subject!, /^Reminder: your table at .* on Tuesday 3 March 2026 at 12:00$/);
  const cal = calendarOf(mail);
  assert.deepEqual([cal.method, cal.sequence], ['REQUEST', 0]);
  const gone = (await messagesOf(noShow.id)).find((m) => m.kind === 'reminder')!;
  assert.deepEqual([gone.status, gone.last_error], ['skipped', 'the booking is no-show']);
  await waitUntil(async () => (await messagesOf(v.id)).every((m) => m.status === 'sent'));
  // Written when it fell due (it was queued with its subject only), and kept as it was sent.
  const stored = (await t.db.query(`SELECT subject, text_body FROM guest_messages WHERE id = $1`, [reminder.id])).rows[0];
  assert.equal(stored.subject, mail.subject);
  assert.equal(stored.text_body.trim(), mail.text!.trim());
});

test('waitlist offer: the held table and until when, no calendar file; kinds switched off are not queued', async () => {
  clock.advance(Date.parse('2026-03-03T05:00:00Z') - clock.now()); // Tuesday 06:00 in Paris: lunch is less than 24 h away
  const r = await createTenant(t.app, bistro({
    tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [],
    notifications: { cancellation: false },
  } as never));
  const a = (await r.post('/reservations', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'First', email: guestEmail() } })).json();
  const waiting = guestEmail();
  const w = (await r.post('/waitlist', { date: TUE, time: '12:00', partySize: 2, customer: { name: 'Patient', email: waiting } })).json();
  assert.equal((await r.post(`/reservations/${a.id}/cancel`, {})).statusCode, 200);
  assert.equal((await messagesOf(a.id)).filter((m) => m.kind === 'cancellation').length, 0, 'cancellation switched off');
  const { rows } = await t.db.query(`SELECT id, kind, status FROM guest_messages WHERE waitlist_entry_id = $1`, [w.id]);
  assert.deepEqual(rows.map((m) => m.kind), ['waitlist_offer']);
  const { mail, to } = await received(rows[0].id);
  assert.deepEqual(to, [waiting]);
  assert.equal(mail.subject, 'A table is free for you at Test Bistro on Tuesday 3 March 2026 at 12:00');
  const entry = (await r.get(`/waitlist/${w.id}`)).json();
  const until = new Date(entry.offer.expiresAt).toLocaleTimeString('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
  assert.ok(mail.text!.includes(`held for you until ${until}`), mail.text);
  assert.equal(mail.attachments.length, 0);
  // Accepting the offer books it: a confirmation follows (no reminder: it is less than 24 h before).
  const booked = (await r.post(`/waitlist/${w.id}/accept`)).json();
  assert.ok(Date.parse(booked.startsAt) - clock.now() < 24 * 3_600_000);
  assert.deepEqual((await messagesOf(booked.id)).map((m) => m.kind), ['confirmation']);
  await received((await messagesOf(booked.id))[0].id);
});

test('waitlist offer in the guest\'s language: a guest whose booking was in French gets the offer and the confirmation in French', async () => {
  const WED = '2026-03-04';
  const r = await createTenant(t.app, bistro({ tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [] } as never));
  const camille = guestEmail();
  // Camille booked another day in French (the widget sends its language): her stored language.
  const earlier = await r.post('/reservations', { date: '2026-03-05', time: '19:30', partySize: 2, customer: { name: 'Camille', email: camille }, language: 'fr' });
  assert.equal(earlier.statusCode, 201, earlier.body);
  const a = (await r.post('/reservations', { date: WED, time: '12:00', partySize: 2, customer: { name: 'First', email: guestEmail() } })).json();
  const w = await r.post('/waitlist', { date: WED, time: '12:00', partySize: 2, customer: { name: 'Camille', email: camille } });
  assert.equal(w.statusCode, 201, w.body);
  assert.equal((await r.post(`/reservations/${a.id}/cancel`, {})).statusCode, 200);
  const { rows } = await t.db.query(`SELECT id, kind, language FROM guest_messages WHERE waitlist_entry_id = $1`, [w.json().id]);
  assert.deepEqual(rows.map((m) => [m.kind, m.language]), [['waitlist_offer', 'fr']]);
  const { mail, to } = await received(rows[0].id);
  assert.deepEqual(to, [camille]);
  assert.match(mail.subject!, /^Une table se libère pour vous chez Test Bistro le mercredi 4 mars 2026 à 12h00$/);
  assert.ok(mail.text!.includes("Vous êtes sur la liste d'attente de Test Bistro"), mail.text);
  // Accepting it books it: the confirmation is in French too.
  const booked = (await r.post(`/waitlist/${w.json().id}/accept`)).json();
  const conf = (await messagesOf(booked.id)).filter((m) => m.kind === 'confirmation');
  assert.deepEqual(conf.map((m) => m.language), ['fr']);
  assert.match((await received(conf[0].id)).mail.subject!, new RegExp(`^Votre table chez Test Bistro le mercredi 4 mars 2026 à 12h00 \\(${booked.reference}\\)$`));
});

test('waitlist join with a language: the offer and the confirmation follow it over the last booking\'s; a language we have no emails in is refused', async () => {
  const THU = '2026-03-05';
  const r = await createTenant(t.app, bistro({ tables: [{ key: 'T1', area: 'main', minCovers: 1, maxCovers: 2 }], combinations: [] } as never));
  const lea = guestEmail();
  // Léa's last booking was in English; she joins the waitlist from a French page.
  assert.equal((await r.post('/reservations', { date: '2026-03-06', time: '19:30', partySize: 2, customer: { name: 'Léa', email: lea }, language: 'en' })).statusCode, 201);
  const a = (await r.post('/reservations', { date: THU, time: '12:00', partySize: 2, customer: { name: 'First', email: guestEmail() } })).json();
  for (const language of ['de', 'FR', '', 7]) {
    const refused = await r.post('/waitlist', { date: THU, time: '12:00', partySize: 2, customer: { name: 'Léa', email: lea }, language });
    assert.deepEqual([refused.statusCode, refused.json().error.code, refused.json().error.details.issues[0].path], [422, 'validation_failed', 'body.language'], String(language));
  }
  const w = await r.post('/waitlist', { date: THU, time: '12:00', partySize: 2, customer: { name: 'Léa', email: lea }, language: 'fr' });
  assert.equal(w.statusCode, 201, w.body);
  assert.equal(w.json().language, 'fr');
  assert.equal((await r.get(`/waitlist/${w.json().id}`)).json().language, 'fr');
  const plain = await r.post('/waitlist', { date: THU, time: '13:00', partySize: 2, customer: { name: 'Sam', email: guestEmail() } });
  assert.equal(plain.json().language, null, 'none given: null');

  assert.equal((await r.post(`/reservations/${a.id}/cancel`, {})).statusCode, 200);
  const { rows } = await t.db.query(`SELECT id, kind, language FROM guest_messages WHERE waitlist_entry_id = $1`, [w.json().id]);
  assert.deepEqual(rows.map((m) => [m.kind, m.language]), [['waitlist_offer', 'fr']]);
  assert.match((await received(rows[0].id)).mail.subject!, /^Une table se libère pour vous chez Test Bistro le jeudi 5 mars 2026 à 12h00$/);
  const booked = (await r.post(`/waitlist/${w.json().id}/accept`)).json();
  assert.deepEqual((await messagesOf(booked.id)).filter((m) => m.kind === 'confirmation').map((m) => m.language), ['fr']);
});
