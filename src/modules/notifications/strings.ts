/**
 * The words of the guest emails, English and French (the widget's languages). Plain strings with {placeholders};
 * render.ts fills them (escaped for HTML) — to change what guests read, change it here (docs/notifications.md).
 */
import type { Language, MessageKind } from './settings.js';

export interface Strings {
  subject: Record<MessageKind, string>;
  heading: Record<MessageKind, string>;
  intro: Record<MessageKind, string>;
  hello: string;
  date: string;
  time: string;
  party: string;
  partyValue: (n: number) => string;
  reference: string;
  restaurant: string;
  address: string;
  phone: string;
  policy: (cutoff: string) => string;
  policyNone: string;
  manage: string;
  manageText: string;
  offerHeld: (until: string) => string;
  offerHow: string;
  noteHeading: string;
  footer: string;
  calendarSummary: (restaurant: string, n: number) => string;
  duration: (minutes: number) => string;
}

const en: Strings = {
  subject: {
    confirmation: 'Your table at {restaurant} on {date} at {time} ({reference})',
    change: 'Your booking at {restaurant} has changed: {date} at {time} ({reference})',
    cancellation: 'Your booking at {restaurant} on {date} is cancelled ({reference})',
    reminder: 'Reminder: your table at {restaurant} on {date} at {time}',
    waitlist_offer: 'A table is free for you at {restaurant} on {date} at {time}',
  },
  heading: {
    confirmation: 'Your table is booked',
    change: 'Your booking has changed',
    cancellation: 'Your booking is cancelled',
    reminder: 'See you soon',
    waitlist_offer: 'A table is free for you',
  },
  intro: {
    confirmation: '{restaurant} has booked your table. Keep this email: the reference below identifies your booking.',
    change: 'Your booking at {restaurant} now reads as below.',
    cancellation: 'Your booking at {restaurant} is cancelled. We hope to welcome you another time.',
    reminder: 'A reminder of your booking at {restaurant}.',
    waitlist_offer: 'You are on the waiting list of {restaurant}, and a table has become free.',
  },
  hello: 'Hello {name},',
  date: 'Date',
  time: 'Time',
  party: 'Party',
  partyValue: (n) => (n === 1 ? '1 guest' : `${n} guests`),
  reference: 'Reference',
  restaurant: 'Restaurant',
  address: 'Address',
  phone: 'Phone',
  policy: (cutoff) => `You can change or cancel your booking online until ${cutoff} before it starts; after that, please call the restaurant.`,
  policyNone: 'You can change or cancel your booking online until it starts.',
  manage: 'Manage my booking',
  manageText: 'Change or cancel your booking',
  offerHeld: (until) => `It is held for you until ${until}. Reply to this email or call the restaurant before then to take it; after that it goes to the next guest.`,
  offerHow: 'To take it',
  noteHeading: 'A word from the restaurant',
  footer: 'You receive this email because you made a booking at {restaurant}. It is not a marketing email.',
  calendarSummary: (restaurant, n) => `${restaurant}: table for ${n}`,
  duration: (m) => (m % 60 === 0 ? `${m / 60} hour${m === 60 ? '' : 's'}` : m < 60 ? `${m} minutes` : `${Math.floor(m / 60)} h ${m % 60} min`),
};

const fr: Strings = {
  subject: {
    confirmation: 'Votre table chez {restaurant} le {date} à {time} ({reference})',
    change: 'Votre réservation chez {restaurant} a changé : {date} à {time} ({reference})',
    cancellation: 'Votre réservation chez {restaurant} du {date} est annulée ({reference})',
    reminder: 'Rappel : votre table chez {restaurant} le {date} à {time}',
    waitlist_offer: 'Une table se libère pour vous chez {restaurant} le {date} à {time}',
  },
  heading: {
    confirmation: 'Votre table est réservée',
    change: 'Votre réservation a changé',
    cancellation: 'Votre réservation est annulée',
    reminder: 'À bientôt',
    waitlist_offer: 'Une table se libère pour vous',
  },
  intro: {
    confirmation: '{restaurant} a bien réservé votre table. Gardez cet e-mail : la référence ci-dessous identifie votre réservation.',
    change: 'Votre réservation chez {restaurant} est désormais la suivante.',
    cancellation: 'Votre réservation chez {restaurant} est annulée. Nous espérons vous accueillir une autre fois.',
    reminder: 'Un rappel de votre réservation chez {restaurant}.',
    waitlist_offer: "Vous êtes sur la liste d'attente de {restaurant}, et une table vient de se libérer.",
  },
  hello: 'Bonjour {name},',
  date: 'Date',
  time: 'Heure',
  party: 'Couverts',
  partyValue: (n) => (n === 1 ? '1 personne' : `${n} personnes`),
  reference: 'Référence',
  restaurant: 'Restaurant',
  address: 'Adresse',
  phone: 'Téléphone',
  policy: (cutoff) => `Vous pouvez modifier ou annuler votre réservation en ligne jusqu'à ${cutoff} avant son début ; ensuite, appelez le restaurant.`,
  policyNone: "Vous pouvez modifier ou annuler votre réservation en ligne jusqu'à son début.",
  manage: 'Gérer ma réservation',
  manageText: 'Modifier ou annuler votre réservation',
  offerHeld: (until) => `Elle vous est réservée jusqu'à ${until}. Répondez à cet e-mail ou appelez le restaurant d'ici là pour la prendre ; ensuite, elle sera proposée au client suivant.`,
  offerHow: 'Pour la prendre',
  noteHeading: 'Un mot du restaurant',
  footer: "Vous recevez cet e-mail parce que vous avez réservé chez {restaurant}. Ce n'est pas un e-mail publicitaire.",
  calendarSummary: (restaurant, n) => `${restaurant} : table pour ${n}`,
  duration: (m) => (m % 60 === 0 ? `${m / 60} heure${m === 60 ? '' : 's'}` : m < 60 ? `${m} minutes` : `${Math.floor(m / 60)} h ${m % 60} min`),
};

export const STRINGS: Record<Language, Strings> = { en, fr };

/** Fills {placeholders} (unknown ones are left as they are). */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? values[k]! : m));
}
