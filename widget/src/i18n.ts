/** Every text the widget shows, in English and French (`lang="en" | "fr"`): the keys here, the texts in messages-*.ts. */
import { en } from './messages-en.js';
import { fr } from './messages-fr.js';

export type Lang = 'en' | 'fr';

export interface Messages {
  title: string;
  /** The heading in "manage my booking" mode. */
  manageHeading: string;
  manageLink: string;
  bookLink: string;
  date: string;
  partySize: string;
  /** The labels of the reschedule form (not "Date" again: the booking form has that one). */
  newDate: string;
  newPartySize: string;
  time: string;
  statusLabel: string;
  guests: (n: number) => string;
  times: string;
  loadingTimes: string;
  pickDateFirst: string;
  closed: string;
  noTimes: string;
  timesFound: (available: number, date: string) => string;
  /** The day is closed; `reason` is the closure's, when the restaurant gave one. */
  closedOn: (date: string, reason: string | null) => string;
  /** Services that run on other days but not this one (e.g. no lunch on Mondays). */
  notServed: (services: string[], date: string) => string;
  noFreeTime: (date: string, why: string) => string;
  searchingDates: string;
  nextDates: string;
  freeTimes: (n: number) => string;
  noNextDates: (days: number) => string;
  reasons: Record<string, string>;
  details: string;
  name: string;
  email: string;
  phone: string;
  phoneHint: string;
  notes: string;
  /** The marketing-consent box; the restaurant's name when the page gives it (`restaurant-name`). */
  marketingConsent: (restaurant: string | null) => string;
  optional: string;
  /** Beside "Email" and "Phone": one of the two is needed. */
  orPhone: string;
  orEmail: string;
  contactHint: string;
  submit: string;
  submitting: string;
  chooseTime: string;
  needName: string;
  needContact: string;
  badEmail: string;
  badPhone: string;
  partyRange: (min: number, max: number) => string;
  seatsLeft: (n: number) => string;
  cutoffWas: (when: string) => string;
  confirmedTitle: string;
  confirmedText: (date: string, time: string, party: number) => string;
  reference: string;
  keepReference: string;
  manageThis: string;
  bookAnother: string;
  lookupTitle: string;
  lookupHint: string;
  referenceLabel: string;
  contactLabel: string;
  find: string;
  yourBooking: string;
  statusWord: Record<string, string>;
  cutoffInfo: (when: string) => string;
  notChangeable: string;
  moveTitle: string;
  move: string;
  moved: (date: string, time: string, party: number) => string;
  cancelTitle: string;
  cancel: string;
  cancelConfirm: string;
  cancelKeep: string;
  cancelled: string;
  found: string;
  working: string;
  errors: Record<string, string>;
  retryIn: (seconds: number) => string;
  blocked: (origin: string) => string;
  blockedOwner: (origin: string) => string;
  network: string;
  fallback: (message: string) => string;
  misconfigured: string;
}

export const MESSAGES: Record<Lang, Messages> = { en, fr };

export function pickLang(value: string | null): Lang {
  return value !== null && value.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** `2026-06-05` → "Friday 5 June" in the widget's language (the date is a calendar date: formatted in UTC). */
export function formatDate(date: string, lang: Lang): string {
  const d = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(d);
}

/** An instant in the restaurant's time zone, e.g. the cancellation cut-off. */
export function formatInstant(iso: string, timeZone: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone,
    }).format(d);
  } catch {
    return d.toISOString();
  }
}
