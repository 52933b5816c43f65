/**
 * The "manage my booking" link: the restaurant's page that embeds the widget (settings.manageUrl) with
 * `maitre_manage=<REFERENCE>&maitre_contact=<email>`, which the widget opens as its manage view (reference + contact,
 * as the guest routes need). Without a manageUrl the demo restaurant's link points at this server's /demo page
 * (MAITRE_PUBLIC_URL); another restaurant's email then has no link and tells the guest to contact the restaurant.
 */
let publicUrl = 'http://127.0.0.1:3000';
let defaultFrom = 'maitre@localhost';

/**
 * Set once by buildApp: MAITRE_PUBLIC_URL (default http://HOST:PORT) and MAITRE_SMTP_FROM (the sender when the
 * restaurant sets none). Process-wide: every app of a process shares them.
 */
export function setMessageDefaults(options: { publicUrl: string; from: string }): void {
  publicUrl = options.publicUrl.replace(/\/+$/, '');
  defaultFrom = options.from;
}

export function getDefaultFrom(): string {
  return defaultFrom;
}

export function getPublicUrl(): string {
  return publicUrl;
}

export function manageLink(settings: { manageUrl: string | null }, slug: string, reference: string, contact: string): string | null {
  const base = settings.manageUrl ?? (slug === 'demo' ? `${publicUrl}/demo` : null);
  if (!base) return null;
  const url = new URL(base);
  url.searchParams.set('maitre_manage', reference);
  url.searchParams.set('maitre_contact', contact);
  return url.toString();
}
