/** Every text the widget shows, in English and French (`lang="en" | "fr"`). */

export type Lang = 'en' | 'fr';

export interface Messages {
  title: string;
  manageLink: string;
  bookLink: string;
  date: string;
  partySize: string;
  time: string;
  statusLabel: string;
  guests: (n: number) => string;
  times: string;
  loadingTimes: string;
  pickDateFirst: string;
  closed: string;
  noTimes: string;
  timesFound: (available: number, date: string) => string;
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

const en: Messages = {
  title: 'Book a table',
  manageLink: 'Manage my booking',
  bookLink: 'Book a table',
  date: 'Date',
  partySize: 'Guests',
  time: 'Time',
  statusLabel: 'Status',
  guests: (n) => (n === 1 ? '1 guest' : `${n} guests`),
  times: 'Available times',
  loadingTimes: 'Looking for free tables…',
  pickDateFirst: 'Choose a date to see the times.',
  closed: 'The restaurant is closed on this day. Please choose another date.',
  noTimes: 'No time can be booked online on this day.',
  timesFound: (n, date) => (n === 0 ? `No free time on ${date}.` : `${n} time${n === 1 ? '' : 's'} available on ${date}.`),
  reasons: {
    past: 'already passed',
    min_notice: 'too soon to book online',
    booking_window: 'too far ahead',
    outside_opening_hours: 'not bookable',
    party_size_out_of_range: 'not for this party size',
    slot_limit_reached: 'fully booked',
    no_tables_available: 'no table free',
  },
  details: 'Your details',
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  phoneHint: 'With country code, e.g. +33 1 23 45 67 89',
  notes: 'Notes for the restaurant',
  marketingConsent: (restaurant) => `Send me news and offers from ${restaurant ?? 'the restaurant'}`,
  optional: 'optional',
  submit: 'Book now',
  submitting: 'Booking…',
  chooseTime: 'Please choose a time.',
  needName: 'Please enter your name.',
  needContact: 'Please give an email or a phone number, so the restaurant can reach you and you can manage your booking.',
  badEmail: 'This email address does not look right.',
  badPhone: 'Please enter the number with its country code, e.g. +33 1 23 45 67 89.',
  partyRange: (min, max) => `Online bookings are for ${min} to ${max} guests.`,
  seatsLeft: (n) => (n === 0 ? 'It is sold out.' : `Seats left: ${n}.`),
  cutoffWas: (when) => `The limit for changes online was ${when}.`,
  confirmedTitle: 'Your table is booked',
  confirmedText: (date, time, party) => `${en.guests(party)} on ${date} at ${time}.`,
  reference: 'Booking reference',
  keepReference: 'Keep this reference: with your email or phone it lets you change or cancel your booking.',
  manageThis: 'Change or cancel this booking',
  bookAnother: 'Make another booking',
  lookupTitle: 'Find my booking',
  lookupHint: 'Enter the booking reference and the email or phone number you booked with.',
  referenceLabel: 'Booking reference',
  contactLabel: 'Email or phone',
  find: 'Find my booking',
  yourBooking: 'Your booking',
  statusWord: { confirmed: 'confirmed', seated: 'seated', completed: 'completed', cancelled: 'cancelled', no_show: 'missed' },
  cutoffInfo: (when) => `You can change or cancel it online until ${when}.`,
  notChangeable: 'This booking can no longer be changed or cancelled online. Please contact the restaurant.',
  moveTitle: 'Change date, time or guests',
  move: 'Move my booking',
  moved: (date, time, party) => `Your booking is moved: ${en.guests(party)} on ${date} at ${time}.`,
  cancelTitle: 'Cancel',
  cancel: 'Cancel my booking',
  cancelConfirm: 'Yes, cancel it',
  cancelKeep: 'No, keep it',
  cancelled: 'Your booking is cancelled.',
  found: 'Booking found.',
  working: 'Please wait…',
  errors: {
    origin_not_allowed: 'This booking form is not allowed on this website, so it cannot book online. Please contact the restaurant directly.',
    api_key_missing: 'This booking form is not set up correctly (its access key is missing). Please contact the restaurant to book.',
    api_key_invalid: 'This booking form is not set up correctly (its access key is not valid). Please contact the restaurant to book.',
    api_key_expired: 'This booking form is not set up correctly (its access key has expired). Please contact the restaurant to book.',
    restaurant_scope_mismatch: 'This booking form is set up for another restaurant. Please contact the restaurant to book.',
    scope_missing: 'This booking form is not allowed to do this. Please contact the restaurant to book.',
    plan_upgrade_required: 'Online booking is not available for this restaurant at the moment. Please contact the restaurant.',
    not_found: 'This restaurant could not be found. The booking form may be set up incorrectly.',
    reservation_not_found: 'We could not find a booking with this reference and this email or phone. Please check both and try again.',
    validation_failed: 'Some details are not right. Please check the highlighted fields.',
    outside_opening_hours: 'This time cannot be booked online: the restaurant is closed then, or it is too soon, too far ahead or already past. Please choose another time.',
    party_size_out_of_range: 'The restaurant does not take online bookings for this number of guests. Please contact the restaurant.',
    no_tables_available: 'Sorry, this time has just been taken: no table is free for your party any more. Please choose another time.',
    slot_limit_reached: 'Sorry, this time is now fully booked. Please choose another time.',
    event_sold_out: 'Sorry, the event does not have enough seats left for your party.',
    cancellation_cutoff_passed: 'It is too late to change or cancel this booking online. Please contact the restaurant.',
    invalid_status_transition: 'This booking cannot be changed any more (it is no longer confirmed).',
    idempotency_conflict: 'This booking attempt was already sent with other details. Please press the button again.',
    idempotency_in_progress: 'Your booking is still being processed. Please wait a moment.',
    rate_limit_exceeded: 'Too many attempts in a short time.',
    invalid_json: 'The booking form sent something the server could not read. Please reload the page and try again.',
    payload_too_large: 'What you entered is too long. Please shorten your notes and try again.',
    unsupported_media_type: 'The booking form sent something the server could not read. Please reload the page and try again.',
    internal_error: 'Something went wrong on our side. Please try again in a moment.',
    service_unavailable: 'Online booking is briefly unavailable.',
  },
  retryIn: (s) => `Please try again in ${s} second${s === 1 ? '' : 's'}.`,
  blocked: () => 'The booking service does not accept requests from this website, so this form cannot book online. Please contact the restaurant directly.',
  blockedOwner: (origin) =>
    `For the website owner: ${origin} is not on the allowed origins of the widget's API key (or the key is no longer valid). Add this origin to the key, or connect the widget through your own proxy.`,
  network: 'The booking service cannot be reached. Please check your connection and try again.',
  fallback: (message) => `The booking could not be completed: ${message}`,
  misconfigured: 'This booking form is missing its "restaurant" or "endpoint" setting.',
};

const fr: Messages = {
  title: 'Réserver une table',
  manageLink: 'Gérer ma réservation',
  bookLink: 'Réserver une table',
  date: 'Date',
  partySize: 'Couverts',
  time: 'Heure',
  statusLabel: 'Statut',
  guests: (n) => (n === 1 ? '1 personne' : `${n} personnes`),
  times: 'Horaires disponibles',
  loadingTimes: 'Recherche des tables libres…',
  pickDateFirst: 'Choisissez une date pour voir les horaires.',
  closed: 'Le restaurant est fermé ce jour-là. Choisissez une autre date.',
  noTimes: 'Aucun horaire ne peut être réservé en ligne ce jour-là.',
  timesFound: (n, date) => (n === 0 ? `Aucun horaire libre le ${date}.` : `${n} horaire${n === 1 ? '' : 's'} disponible${n === 1 ? '' : 's'} le ${date}.`),
  reasons: {
    past: 'déjà passé',
    min_notice: 'trop tôt pour réserver en ligne',
    booking_window: 'trop lointain',
    outside_opening_hours: 'non réservable',
    party_size_out_of_range: 'pas pour ce nombre de personnes',
    slot_limit_reached: 'complet',
    no_tables_available: 'aucune table libre',
  },
  details: 'Vos coordonnées',
  name: 'Nom',
  email: 'E-mail',
  phone: 'Téléphone',
  phoneHint: 'Avec l’indicatif du pays, p. ex. +33 1 23 45 67 89',
  notes: 'Remarques pour le restaurant',
  marketingConsent: (restaurant) => `Envoyez-moi les actualités et offres ${restaurant ? `de ${restaurant}` : 'du restaurant'}`,
  optional: 'facultatif',
  submit: 'Réserver',
  submitting: 'Réservation…',
  chooseTime: 'Veuillez choisir un horaire.',
  needName: 'Veuillez indiquer votre nom.',
  needContact: 'Indiquez un e-mail ou un téléphone, pour que le restaurant puisse vous joindre et que vous puissiez gérer votre réservation.',
  badEmail: 'Cette adresse e-mail semble incorrecte.',
  badPhone: 'Saisissez le numéro avec l’indicatif du pays, p. ex. +33 1 23 45 67 89.',
  partyRange: (min, max) => `La réservation en ligne est possible de ${min} à ${max} personnes.`,
  seatsLeft: (n) => (n === 0 ? 'L’événement est complet.' : `Places restantes : ${n}.`),
  cutoffWas: (when) => `La limite pour modifier en ligne était le ${when}.`,
  confirmedTitle: 'Votre table est réservée',
  confirmedText: (date, time, party) => `${fr.guests(party)} le ${date} à ${time}.`,
  reference: 'Référence de réservation',
  keepReference: 'Gardez cette référence : avec votre e-mail ou téléphone, elle permet de modifier ou d’annuler la réservation.',
  manageThis: 'Modifier ou annuler cette réservation',
  bookAnother: 'Faire une autre réservation',
  lookupTitle: 'Retrouver ma réservation',
  lookupHint: 'Saisissez la référence et l’e-mail ou le téléphone utilisés pour réserver.',
  referenceLabel: 'Référence de réservation',
  contactLabel: 'E-mail ou téléphone',
  find: 'Retrouver ma réservation',
  yourBooking: 'Votre réservation',
  statusWord: { confirmed: 'confirmée', seated: 'installée', completed: 'terminée', cancelled: 'annulée', no_show: 'non honorée' },
  cutoffInfo: (when) => `Vous pouvez la modifier ou l’annuler en ligne jusqu’au ${when}.`,
  notChangeable: 'Cette réservation ne peut plus être modifiée ni annulée en ligne. Veuillez contacter le restaurant.',
  moveTitle: 'Changer la date, l’heure ou le nombre de personnes',
  move: 'Déplacer ma réservation',
  moved: (date, time, party) => `Votre réservation est déplacée : ${fr.guests(party)} le ${date} à ${time}.`,
  cancelTitle: 'Annuler',
  cancel: 'Annuler ma réservation',
  cancelConfirm: 'Oui, annuler',
  cancelKeep: 'Non, la garder',
  cancelled: 'Votre réservation est annulée.',
  found: 'Réservation trouvée.',
  working: 'Veuillez patienter…',
  errors: {
    origin_not_allowed: 'Ce formulaire de réservation n’est pas autorisé sur ce site : il ne peut pas réserver en ligne. Veuillez contacter directement le restaurant.',
    api_key_missing: 'Ce formulaire de réservation est mal configuré (sa clé d’accès manque). Veuillez contacter le restaurant pour réserver.',
    api_key_invalid: 'Ce formulaire de réservation est mal configuré (sa clé d’accès n’est pas valide). Veuillez contacter le restaurant pour réserver.',
    api_key_expired: 'Ce formulaire de réservation est mal configuré (sa clé d’accès a expiré). Veuillez contacter le restaurant pour réserver.',
    restaurant_scope_mismatch: 'Ce formulaire est configuré pour un autre restaurant. Veuillez contacter le restaurant pour réserver.',
    scope_missing: 'Ce formulaire n’a pas le droit de faire cela. Veuillez contacter le restaurant pour réserver.',
    plan_upgrade_required: 'La réservation en ligne n’est pas disponible pour ce restaurant en ce moment. Veuillez le contacter.',
    not_found: 'Ce restaurant est introuvable. Le formulaire de réservation est peut-être mal configuré.',
    reservation_not_found: 'Aucune réservation ne correspond à cette référence et à cet e-mail ou téléphone. Vérifiez les deux et réessayez.',
    validation_failed: 'Certaines informations ne sont pas correctes. Vérifiez les champs signalés.',
    outside_opening_hours: 'Cet horaire ne peut pas être réservé en ligne : le restaurant est fermé, ou c’est trop tôt, trop loin ou déjà passé. Choisissez un autre horaire.',
    party_size_out_of_range: 'Le restaurant ne prend pas de réservation en ligne pour ce nombre de personnes. Veuillez le contacter.',
    no_tables_available: 'Désolé, cet horaire vient d’être pris : plus aucune table n’est libre pour votre groupe. Choisissez un autre horaire.',
    slot_limit_reached: 'Désolé, cet horaire est désormais complet. Choisissez un autre horaire.',
    event_sold_out: 'Désolé, il ne reste pas assez de places pour votre groupe à cet événement.',
    cancellation_cutoff_passed: 'Il est trop tard pour modifier ou annuler cette réservation en ligne. Veuillez contacter le restaurant.',
    invalid_status_transition: 'Cette réservation ne peut plus être modifiée (elle n’est plus confirmée).',
    idempotency_conflict: 'Cette tentative de réservation a déjà été envoyée avec d’autres informations. Appuyez de nouveau sur le bouton.',
    idempotency_in_progress: 'Votre réservation est en cours de traitement. Patientez un instant.',
    rate_limit_exceeded: 'Trop de tentatives en peu de temps.',
    invalid_json: 'Le formulaire a envoyé des données illisibles. Rechargez la page et réessayez.',
    payload_too_large: 'Votre saisie est trop longue. Raccourcissez vos remarques et réessayez.',
    unsupported_media_type: 'Le formulaire a envoyé des données illisibles. Rechargez la page et réessayez.',
    internal_error: 'Une erreur s’est produite de notre côté. Réessayez dans un instant.',
    service_unavailable: 'La réservation en ligne est momentanément indisponible.',
  },
  retryIn: (s) => `Réessayez dans ${s} seconde${s === 1 ? '' : 's'}.`,
  blocked: () => 'Le service de réservation n’accepte pas les demandes de ce site : ce formulaire ne peut pas réserver en ligne. Veuillez contacter directement le restaurant.',
  blockedOwner: (origin) =>
    `Pour le propriétaire du site : ${origin} ne fait pas partie des origines autorisées de la clé d’API du widget (ou la clé n’est plus valide). Ajoutez cette origine à la clé, ou connectez le widget via votre propre proxy.`,
  network: 'Le service de réservation est injoignable. Vérifiez votre connexion et réessayez.',
  fallback: (message) => `La réservation n’a pas pu aboutir : ${message}`,
  misconfigured: 'Il manque à ce formulaire son réglage « restaurant » ou « endpoint ».',
};

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
