/**
 * A customer's data export (GDPR access request): the profile, visit statistics, every reservation with its change
 * history, and every waitlist entry, as one JSON document.
 */
import type { Queryable } from '../../db/types.js';
import { listHistory, type HistoryEntry } from '../reservations/history.js';
import { listReservations, type ReservationView } from '../reservations/queries.js';
import { listEntries, type WaitlistEntryView } from '../waitlist/queries.js';
import type { CustomerStats, CustomerView } from './queries.js';

export interface CustomerExport {
  exportedAt: string;
  restaurant: { id: string; slug: string; name: string };
  customer: CustomerView;
  stats: CustomerStats;
  reservations: (ReservationView & { history: HistoryEntry[] })[];
  waitlist: WaitlistEntryView[];
}

const PAGE = 500;

export async function buildExport(q: Queryable, restaurantId: string, customer: CustomerView, stats: CustomerStats, nowMs: number): Promise<CustomerExport> {
  const { rows } = await q.query<{ id: string; slug: string; name: string }>('SELECT id, slug, name FROM restaurants WHERE id = $1', [restaurantId]);
  const reservations: CustomerExport['reservations'] = [];
  let after: { startsAt: string; id: string } | undefined;
  for (;;) {
    const page = await listReservations(q, restaurantId, { customerId: customer.id, after, limit: PAGE });
    for (const r of page) reservations.push({ ...r.view, history: await listHistory(q, restaurantId, r.view.id) });
    if (page.length < PAGE) break;
    const last = page[page.length - 1].view;
    after = { startsAt: last.startsAt, id: last.id };
  }
  const waitlist: WaitlistEntryView[] = [];
  let cursor: { date: string; seq: number } | undefined;
  for (;;) {
    const page = await listEntries(q, restaurantId, { customerId: customer.id, after: cursor, limit: PAGE });
    waitlist.push(...page.map((e) => e.view));
    if (page.length < PAGE) break;
    const last = page[page.length - 1];
    cursor = { date: last.view.date, seq: last.seq };
  }
  return { exportedAt: new Date(nowMs).toISOString(), restaurant: rows[0], customer, stats, reservations, waitlist };
}
