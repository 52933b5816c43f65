/**
 * Customers: a restaurant's guest profiles — search, create-or-update by email/phone, change, profile with visit
 * statistics and booking history, GDPR export and erasure. Every change announces itself in its own transaction
 * (customer.created / customer.updated). Identity rules: identity.ts; erasure: erase.ts.
 */
import type { Db, Queryable } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/service.js';
import type { WaitlistOffers } from '../waitlist/offers.js';
import { announceCustomer } from './announce.js';
import { eraseCustomer, type EraseSummary } from './erase.js';
import { buildExport, type CustomerExport } from './export.js';
import { findByContact, phoneOfSearch, resolvePhone } from './identity.js';
import {
  customerHistory, customerStats, findCustomer, insertCustomer, searchCustomers, updateCustomer, type CustomerChanges, type CustomerStats,
  type CustomerView, type HistoryItem,
} from './queries.js';

export interface CustomerProfile extends CustomerView {
  stats: CustomerStats;
  /** The 20 most recent reservations, newest first (all of them: GET /reservations?customerId=). */
  history: HistoryItem[];
}

/** Fields a client may set; the email arrives normalised (schemas.ts), the phone as sent (resolved here to E.164). */
export interface CustomerFields {
  name?: string;
  email?: string | null;
  phone?: string | null;
  tags?: string[];
  notes?: string | null;
  marketingConsent?: boolean;
  /** Where consent was given or withdrawn (default: the channel, e.g. `api`, `dashboard`). */
  marketingConsentSource?: string;
}

export interface ListCustomersQuery {
  q?: string;
  email?: string;
  phone?: string;
  tag?: string;
  limit: number;
  cursor?: string;
}

const ID_PATTERN = /^cus_[a-z0-9]{20}$/;
const HISTORY_LIMIT = 20;
const pgCode = (err: unknown) => (err as { code?: string } | null)?.code;

const encodeCursor = (c: CustomerView) => Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && ID_PATTERN.test(v[1])) {
      return { createdAt: v[0], id: v[1] };
    }
  } catch {
    /* fall through */
  }
  throw errors.validation([{ path: 'querystring.cursor', message: 'is not a cursor returned by this list' }]);
}

const taken = (field: 'email' | 'phone', customerId: string) =>
  errors.conflict(`Another customer already has this ${field}.`, { field, customerId });

export class CustomerService {
  constructor(
    private readonly db: Db,
    private readonly offers: WaitlistOffers,
    private readonly now: () => number = Date.now,
  ) {}

  private inTx<T>(tx: Queryable | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return tx ? fn(tx) : this.db.transaction(fn);
  }

  private async lock(tx: Queryable, restaurantId: string, id: string): Promise<CustomerView> {
    const c = ID_PATTERN.test(id) ? await findCustomer(tx, restaurantId, id, { forUpdate: true }) : null;
    if (!c) throw errors.customerNotFound(id);
    return c;
  }

  /** The fields with the phone in E.164 (national numbers read in the restaurant's country); 422 at `body.phone`. */
  private async withPhone<T extends { phone?: string | null }>(q: Queryable, restaurantId: string, input: T): Promise<T> {
    if (!input.phone) return input;
    return { ...input, phone: await resolvePhone(q, restaurantId, input.phone, 'body.phone') };
  }

  async list(restaurantId: string, q: ListCustomersQuery): Promise<{ data: CustomerView[]; nextCursor: string | null }> {
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const phone = q.phone === undefined ? undefined : await resolvePhone(this.db, restaurantId, q.phone, 'querystring.phone');
    const qPhone = await phoneOfSearch(this.db, restaurantId, q.q);
    const rows = await searchCustomers(this.db, restaurantId, { ...q, phone, qPhone, after, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { data: page, nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]) : null };
  }

  async profile(q: Queryable, restaurantId: string, id: string): Promise<CustomerProfile> {
    const c = ID_PATTERN.test(id) ? await findCustomer(q, restaurantId, id) : null;
    if (!c) throw errors.customerNotFound(id);
    return { ...c, stats: await customerStats(q, restaurantId, id, this.now()), history: await customerHistory(q, restaurantId, id, HISTORY_LIMIT) };
  }

  get(restaurantId: string, id: string): Promise<CustomerProfile> {
    return this.profile(this.db, restaurantId, id);
  }

  /** Creates a customer (created: true), or updates the one with the same email (else phone) with the given fields. */
  async upsert(restaurantId: string, fields: CustomerFields & { name: string }, channel: string, tx?: Queryable) {
    return this.inTx(tx, async (tx): Promise<{ created: boolean; profile: CustomerProfile }> => {
      const input = await this.withPhone(tx, restaurantId, fields);
      const now = this.now();
      const existing = await findByContact(tx, restaurantId, input.email ?? null, input.phone ?? null);
      if (existing === null) {
        const id = newId('cus');
        const consent = input.marketingConsent === undefined
          ? { granted: false, at: null, source: null }
          : { granted: input.marketingConsent, at: new Date(now), source: input.marketingConsentSource ?? channel };
        const row = {
          id, restaurantId, name: input.name, email: input.email ?? null, phone: input.phone ?? null, tags: input.tags ?? [],
          notes: input.notes ?? null, consent, now: new Date(now),
        };
        if (await insertCustomer(tx, row)) {
          await announceCustomer(tx, restaurantId, id, 'customer.created');
          return { created: true, profile: await this.profile(tx, restaurantId, id) };
        }
        // A concurrent request created the same guest first: update that one.
        const raced = await findByContact(tx, restaurantId, input.email ?? null, input.phone ?? null);
        if (!raced) throw new Error('customer insert conflicted but no matching customer is visible');
        return { created: false, profile: await this.change(tx, restaurantId, raced, input, channel) };
      }
      return { created: false, profile: await this.change(tx, restaurantId, existing, input, channel) };
    });
  }

  /** Changes the given fields (PATCH); nothing given that differs: no change, no event. */
  async update(restaurantId: string, id: string, input: CustomerFields, channel: string, tx?: Queryable): Promise<CustomerProfile> {
    return this.inTx(tx, async (tx) => this.change(tx, restaurantId, id, await this.withPhone(tx, restaurantId, input), channel));
  }

  private async change(tx: Queryable, restaurantId: string, id: string, input: CustomerFields, channel: string): Promise<CustomerProfile> {
    const before = await this.lock(tx, restaurantId, id);
    const now = this.now();
    const ch: CustomerChanges = {};
    if (input.name !== undefined && input.name !== before.name) ch.name = input.name;
    if (input.email !== undefined && input.email !== before.email) ch.email = input.email;
    if (input.phone !== undefined && input.phone !== before.phone) ch.phone = input.phone;
    if (input.tags !== undefined && input.tags.join('\u0000') !== before.tags.join('\u0000')) ch.tags = input.tags;
    if (input.notes !== undefined && input.notes !== before.notes) ch.notes = input.notes;
    if (input.marketingConsent !== undefined && input.marketingConsent !== before.marketingConsent.granted) {
      ch.consent = { granted: input.marketingConsent, at: new Date(now), source: input.marketingConsentSource ?? channel };
    }
    for (const field of ['email', 'phone'] as const) {
      const value = ch[field];
      if (value) {
        const other = await findByContact(tx, restaurantId, field === 'email' ? value : null, field === 'phone' ? value : null);
        if (other && other !== id) throw taken(field, other);
      }
    }
    if (Object.keys(ch).length > 0) {
      await tx.query('SAVEPOINT customer_change');
      try {
        await updateCustomer(tx, id, ch, new Date(now));
        await tx.query('RELEASE SAVEPOINT customer_change');
      } catch (err) {
        if (pgCode(err) !== '23505') throw err;
        await tx.query('ROLLBACK TO SAVEPOINT customer_change');
        throw errors.conflict('Another customer already has this email or phone.', {}); // lost a race for it
      }
      await announceCustomer(tx, restaurantId, id, 'customer.updated');
    }
    return this.profile(tx, restaurantId, id);
  }

  /** Erases the customer's personal data (GDPR): see erase.ts. Audited; announced as customer.updated. */
  async erase(restaurantId: string, id: string, actor: Actor): Promise<EraseSummary> {
    if (!ID_PATTERN.test(id)) throw errors.customerNotFound(id);
    return this.db.transaction(async (tx) => {
      const summary = await eraseCustomer(tx, this.offers, restaurantId, id, this.now());
      await announceCustomer(tx, restaurantId, id, 'customer.updated');
      await recordAudit(tx, actor, {
        restaurantId, action: 'customer.erased', targetType: 'customer', targetId: id,
        details: { reservations: summary.reservations, waitlistEntriesCancelled: summary.waitlistEntriesCancelled },
      });
      return summary;
    });
  }

  /** Everything stored about the customer, as JSON (GDPR access request: export.ts). Audited. */
  async export(restaurantId: string, id: string, actor: Actor): Promise<CustomerExport> {
    const customer = ID_PATTERN.test(id) ? await findCustomer(this.db, restaurantId, id) : null;
    if (!customer) throw errors.customerNotFound(id);
    const stats = await customerStats(this.db, restaurantId, id, this.now());
    const data = await buildExport(this.db, restaurantId, customer, stats, this.now());
    await recordAudit(this.db, actor, { restaurantId, action: 'customer.exported', targetType: 'customer', targetId: id });
    return data;
  }
}
