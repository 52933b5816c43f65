/**
 * The MCP resource `maitre://restaurant/booking-policy`: the restaurant's booking policy in words a model can relay to
 * a guest, with the policy itself as JSON after it. Read from the restaurant's profile (the one the REST API serves),
 * so it is always the policy in force.
 */
import type { RestaurantProfile } from '../restaurants/rows.js';

export const POLICY_URI = 'maitre://restaurant/booking-policy';

const duration = (minutes: number) =>
  minutes % 1440 === 0 && minutes > 0
    ? `${minutes / 1440} day(s)`
    : minutes % 60 === 0 && minutes > 0
      ? `${minutes / 60} hour(s)`
      : `${minutes} minute(s)`;

export function policyMarkdown(profile: RestaurantProfile): string {
  const p = profile.policy;
  const contact = [profile.contact.phone && `phone ${profile.contact.phone}`, profile.contact.email && `email ${profile.contact.email}`]
    .filter(Boolean)
    .join(', ');
  const turns = p.turnTimes.map((t) => `up to ${t.maxPartySize} guests: ${duration(t.minutes)}`).join('; ');
  return [
    `# Booking policy of ${profile.name}`,
    '',
    `- Times are local to ${profile.timezone}.`,
    `- Parties of ${p.minPartySize} to ${p.maxPartySize} guests can book online${contact ? `; larger or special requests: ${contact}` : ''}.`,
    `- Bookings open ${p.bookingWindowDays} day(s) ahead and close ${duration(p.minNoticeMinutes)} before the time.`,
    `- Tables are booked every ${p.slotIntervalMinutes} minutes; a party holds its table for: ${turns || 'the service\'s turn time'}.`,
    `- A booking can be changed or cancelled online until ${duration(p.cancellationCutoffMinutes)} before its time; after that the ` +
      'guest must contact the restaurant.',
    '- To book, the restaurant needs the guest\'s name and an email address or phone number.',
    '',
    '```json',
    JSON.stringify(p, null, 2),
    '```',
    '',
  ].join('\n');
}
