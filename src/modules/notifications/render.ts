/**
 * Renders one guest email: subject, plain text, HTML (every value escaped; inline styles only, no images, so it reads
 * the same in a client that blocks them) and, for a booking, the .ics calendar file (ics.ts). Dates and times are
 * the restaurant's local ones, in the booking's language. Pure: the same input gives the same email.
 */
import { wallClock } from '../../lib/zone-offsets.js';
import { buildIcs } from './ics.js';
import type { Language, MessageKind, NotificationSettings } from './settings.js';
import { STRINGS, fill } from './strings.js';

export interface RenderRestaurant {
  name: string;
  timezone: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  cancellationCutoffMinutes: number;
}

export interface RenderInput {
  kind: MessageKind;
  language: Language;
  restaurant: RenderRestaurant;
  settings: NotificationSettings;
  guestName: string;
  recipient: string;
  /** The booking (or, for a waitlist offer, the held table). */
  startsAtMs: number;
  endsAtMs: number;
  partySize: number;
  reference: string | null;
  /** Reservation id: the calendar UID. Null for a waitlist offer (no calendar file). */
  uid: string | null;
  sequence: number;
  /** Waitlist offer: until when the table is held. */
  offerExpiresAtMs?: number | null;
  manageLink: string | null;
  nowMs: number;
  organizerEmail: string | null;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  ics: string | null;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
/** Headers never carry line breaks (no header injection). */
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

const LOCALES: Record<Language, string> = { en: 'en-GB', fr: 'fr-FR' };

/** Weekday (ISO order, Monday first) and month names as Intl writes them alone ("cccc", "LLLL"), per language. */
const NAMES: Record<Language, { weekdays: string[]; months: string[] }> = Object.fromEntries(
  (Object.keys(LOCALES) as Language[]).map((language) => {
    const weekday = new Intl.DateTimeFormat(LOCALES[language], { weekday: 'long', timeZone: 'UTC' });
    const month = new Intl.DateTimeFormat(LOCALES[language], { month: 'long', timeZone: 'UTC' });
    return [language, {
      weekdays: Array.from({ length: 7 }, (_, i) => weekday.format(Date.UTC(2024, 0, 1 + i))), // 2024-01-01: a Monday
      months: Array.from({ length: 12 }, (_, i) => month.format(Date.UTC(2024, i, 15))),
    }];
  }),
) as Record<Language, { weekdays: string[]; months: string[] }>;

/**
 * The guest's date, "Friday 7 January 2028" / "vendredi 7 janvier 2028", in the restaurant's zone. The zone's offset
 * comes from its kept rules (lib/zone-offsets.ts), not from Intl per call: every booking's instant is a new one.
 */
export function formatDate(ms: number, zone: string, language: Language): string {
  const w = wallClock(ms, zone);
  const names = NAMES[language];
  return `${names.weekdays[w.weekday - 1]} ${w.day} ${names.months[w.month - 1]} ${String(w.year).padStart(4, '0')}`;
}

/** The guest's time: "19:30" (en), "19h30" (fr), in the restaurant's zone. */
export function formatTime(ms: number, zone: string, language: Language): string {
  const w = wallClock(ms, zone);
  const hh = String(w.hour).padStart(2, '0');
  const mm = String(w.minute).padStart(2, '0');
  return language === 'fr' ? `${hh}h${mm}` : `${hh}:${mm}`;
}

type SubjectInput = Pick<RenderInput, 'kind' | 'language' | 'restaurant' | 'guestName' | 'startsAtMs' | 'reference'>;

function fillValues(input: SubjectInput) {
  const zone = input.restaurant.timezone;
  const date = formatDate(input.startsAtMs, zone, input.language);
  const time = formatTime(input.startsAtMs, zone, input.language);
  return { restaurant: input.restaurant.name, date, time, reference: input.reference ?? '', name: input.guestName };
}

/** The subject alone, as render() writes it: what a reminder stores when it is queued (its bodies are written when due). */
export function renderSubject(input: SubjectInput): string {
  return oneLine(fill(STRINGS[input.language].subject[input.kind], fillValues(input)));
}

export function render(input: RenderInput): RenderedMessage {
  const s = STRINGS[input.language];
  const r = input.restaurant;
  const zone = r.timezone;
  const values = fillValues(input);
  const { date, time } = values;
  const subject = oneLine(fill(s.subject[input.kind], values));
  const heading = s.heading[input.kind];
  const intro = fill(s.intro[input.kind], values);
  const details: [string, string][] = [
    [s.restaurant, r.name],
    [s.date, date],
    [s.time, time],
    [s.party, s.partyValue(input.partySize)],
    ...(input.reference ? ([[s.reference, input.reference]] as [string, string][]) : []),
    ...(r.address ? ([[s.address, r.address]] as [string, string][]) : []),
    ...(r.phone ? ([[s.phone, r.phone]] as [string, string][]) : []),
  ];
  const active = input.kind !== 'cancellation' && input.kind !== 'waitlist_offer';
  const cutoff = r.cancellationCutoffMinutes;
  const policy = active ? (cutoff > 0 ? s.policy(s.duration(cutoff)) : s.policyNone) : null;
  const offer = input.kind === 'waitlist_offer' && input.offerExpiresAtMs
    ? s.offerHeld(`${formatTime(input.offerExpiresAtMs, zone, input.language)}`)
    : null;
  const note = input.kind === 'confirmation' ? input.settings.confirmationNote : null;
  const link = active ? input.manageLink : null;
  const footer = fill(s.footer, values);

  const width = Math.max(...details.map(([k]) => k.length));
  const text = [
    fill(s.hello, values),
    '',
    heading.toUpperCase(),
    intro,
    '',
    ...details.map(([k, v]) => `${(k + ':').padEnd(width + 2)}${v}`),
    ...(offer ? ['', offer] : []),
    ...(note ? ['', `${s.noteHeading}:`, note] : []),
    ...(policy ? ['', policy] : []),
    ...(link ? ['', `${s.manageText}: ${link}`] : []),
    '',
    '-- ',
    footer,
    '',
  ].join('\n');

  const e = escapeHtml;
  const rows = details
    .map(([k, v]) => `<tr><th scope="row" style="text-align:left;padding:4px 16px 4px 0;color:#555;font-weight:normal">${e(k)}</th><td style="padding:4px 0;font-weight:bold">${e(v)}</td></tr>`)
    .join('\n');
  const html = `<!doctype html>
<html lang="${input.language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(subject)}</title></head>
<body style="margin:0;padding:0;background:#f6f4f0;font-family:Helvetica,Arial,sans-serif;color:#1d1d1d">
<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff">
<p style="margin:0 0 8px;font-size:14px;color:#555">${e(r.name)}</p>
<h1 style="margin:0 0 16px;font-size:22px">${e(heading)}</h1>
<p style="margin:0 0 8px">${e(fill(s.hello, values))}</p>
<p style="margin:0 0 16px">${e(intro)}</p>
<table role="presentation" style="border-collapse:collapse;margin:0 0 16px;font-size:15px">
${rows}
</table>
${offer ? `<p style="margin:0 0 16px">${e(offer)}</p>\n` : ''}${note ? `<h2 style="font-size:16px;margin:16px 0 4px">${e(s.noteHeading)}</h2>\n<p style="margin:0 0 16px;white-space:pre-line">${e(note)}</p>\n` : ''}${policy ? `<p style="margin:0 0 16px;font-size:14px;color:#333">${e(policy)}</p>\n` : ''}${link ? `<p style="margin:0 0 16px"><a href="${e(link)}" style="display:inline-block;padding:10px 16px;background:#1d1d1d;color:#ffffff;text-decoration:none;border-radius:4px">${e(s.manage)}</a></p>\n<p style="margin:0 0 16px;font-size:12px;color:#555;word-break:break-all">${e(link)}</p>\n` : ''}<p style="margin:24px 0 0;font-size:12px;color:#555">${e(footer)}</p>
</div>
</body>
</html>
`;

  let ics: string | null = null;
  if (input.uid && input.kind !== 'waitlist_offer') {
    ics = buildIcs({
      method: input.kind === 'cancellation' ? 'CANCEL' : 'REQUEST',
      uid: `${input.uid}@maitre`,
      sequence: input.sequence,
      stampMs: input.nowMs,
      startMs: input.startsAtMs,
      endMs: input.endsAtMs,
      timezone: zone,
      summary: s.calendarSummary(r.name, input.partySize),
      description: [`${s.reference}: ${input.reference ?? ''}`, ...(link ? [`${s.manageText}: ${link}`] : [])].join('\n'),
      location: [r.name, r.address].filter(Boolean).join(', '),
      url: link,
      organizer: input.organizerEmail ? { name: input.settings.fromName ?? r.name, email: input.organizerEmail } : null,
      attendee: { name: input.guestName, email: input.recipient },
    });
  }
  return { subject, text, html, ics };
}
