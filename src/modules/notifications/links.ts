/**
 * The "manage my booking" link: the restaurant's page that embeds the widget (settings.manageUrl) with
 * `maitre_manage=<REFERENCE>&maitre_contact=<email>`, which the widget opens as its manage view (reference + contact,
 * as the guest routes need). Without a manageUrl the demo restaurant's link points at this server's /demo page
 * (MAITRE_PUBLIC_URL); another restaurant's email then has no link and tells the guest to contact the restaurant.
 */

/**
 * The app's settings that messages use, from its configuration (buildApp hands them to the services that render or
 * send messages): MAITRE_PUBLIC_URL (default http://HOST:PORT) and MAITRE_SMTP_FROM (the sender, and the calendar
 * invitation's organizer, when the restaurant sets none). Per app: two apps of one process may differ.
 */
export interface MessageDefaults {
  publicUrl: string;
  from: string;
  /**
   * Whether this instance sends email (its notification worker has a mailer, MAITRE_SMTP_URL). Without, a message due
   * at once is written as not sent (queries.ts initialStatus) instead of waiting for a pass to mark it so. Read at
   * each message: a mailer can be attached later. Default (a CLI, no worker): true, messages wait for the servers.
   */
  sending: () => boolean;
}

export function messageDefaults(config: { publicUrl: string; smtpFrom: string }, sending: () => boolean = () => true): MessageDefaults {
  return { publicUrl: config.publicUrl.replace(/\/+$/, ''), from: config.smtpFrom, sending };
}

export function manageLink(
  settings: { manageUrl: string | null }, slug: string, reference: string, contact: string, defaults: Pick<MessageDefaults, 'publicUrl'>,
): string | null {
  const base = settings.manageUrl ?? (slug === 'demo' ? `${defaults.publicUrl}/demo` : null);
  if (!base) return null;
  const url = new URL(base);
  url.searchParams.set('maitre_manage', reference);
  url.searchParams.set('maitre_contact', contact);
  return url.toString();
}
