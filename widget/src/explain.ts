/** Every error the API can answer, in plain words (API.md §5), plus the browser-level failures. */
import type { WidgetError } from './api.js';
import { formatInstant, type Lang, type Messages } from './i18n.js';

export function explain(error: WidgetError, m: Messages, lang: Lang, timeZone = 'UTC'): string[] {
  const origin = location.origin;
  if (error.kind === 'network') return [m.network];
  if (error.kind === 'blocked') return [m.blocked(origin), m.blockedOwner(origin)];
  const lines = [m.errors[error.code] ?? m.fallback(error.message)];
  const d = error.details;
  switch (error.code) {
    case 'origin_not_allowed':
      lines.push(m.blockedOwner(typeof d.origin === 'string' ? d.origin : origin));
      break;
    case 'rate_limit_exceeded':
    case 'service_unavailable':
    case 'idempotency_in_progress':
      if (error.retryAfter) lines[0] = `${lines[0]} ${m.retryIn(error.retryAfter)}`;
      break;
    case 'party_size_out_of_range':
      if (typeof d.minPartySize === 'number' && typeof d.maxPartySize === 'number') lines.push(m.partyRange(d.minPartySize, d.maxPartySize));
      break;
    case 'event_sold_out':
      if (typeof d.seatsLeft === 'number') lines.push(m.seatsLeft(d.seatsLeft));
      break;
    case 'cancellation_cutoff_passed':
      if (typeof d.cutoffAt === 'string') lines.push(m.cutoffWas(formatInstant(d.cutoffAt, timeZone, lang)));
      break;
  }
  return lines;
}
