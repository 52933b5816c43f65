/**
 * Guest self-service: a guest proves a reservation with its reference and the email or phone it was booked with,
 * then looks it up, cancels it or moves it — without an API key.
 * - No oracle: an unknown reference and a wrong contact answer the same 404 reservation_not_found, word for word,
 *   after the same work (one lookup by reference — a reference that cannot exist is looked up too — and two
 *   constant-time comparisons of SHA-256 digests, against a placeholder when there is no reservation).
 * - The restaurant's `cancellationCutoffMinutes` applies to guests (not to API keys): from the cut-off on, cancel and
 *   reschedule answer 422 cancellation_cutoff_passed with the cut-off instant. It is checked on the locked row, in the
 *   change's own transaction.
 * - Cancel and reschedule go through ReservationService (the same atomic placement, history with actor `guest`,
 *   webhook events, waitlist offers).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/types.js';
import type { RestaurantRef } from '../../http/context.js';
import { errors } from '../../http/errors.js';
import { normalizeEmail, restaurantPhoneCountry } from '../customers/identity.js';
import { isInternational, toE164 } from '../../lib/phone.js';
import type { ReservationActor } from '../reservations/history.js';
import { findReservation, type ReservationView } from '../reservations/queries.js';
import { normalizeReference } from '../reservations/reference.js';
import type { ReservationService } from '../reservations/service.js';
import { loadProfile } from '../restaurants/floor.js';

export interface GuestProof {
  reference: string;
  /** The email or phone number the reservation was made with. */
  contact: string;
}

export interface GuestReservationView {
  reference: string;
  status: ReservationView['status'];
  date: string;
  time: string;
  startsAt: string;
  endsAt: string;
  partySize: number;
  area: string | null;
  service: string;
  guestName: string | null;
  notes: string | null;
  restaurant: { name: string; slug: string; timezone: string };
  /** Until when the guest can cancel or move it online. */
  cutoffAt: string;
  /** Confirmed and before the cut-off. */
  changeable: boolean;
}

const GUEST: ReservationActor = { type: 'guest', id: null };
/** Looked up when the reference cannot be one: "0" is not in the reference alphabet, so it never exists. */
const IMPOSSIBLE_REFERENCE = '000-0000';
const digest = (s: string) => createHash('sha256').update(s).digest();

/** `email:…` or `phone:…`, normalised the way customers are (a national number read in the restaurant's country). */
function probeOf(contact: string, country: string | null): Buffer {
  const c = contact.trim();
  if (c.includes('@')) return digest(`email:${normalizeEmail(c)}`);
  return digest(`phone:${toE164(c, country) ?? `invalid:${c}`}`);
}

export class GuestService {
  constructor(
    private readonly db: Db,
    private readonly reservations: ReservationService,
    private readonly now: () => number = Date.now,
  ) {}

  /** The reservation the proof designates, or the one 404 (see the module comment). */
  private async prove(restaurantId: string, proof: GuestProof): Promise<ReservationView> {
    const reference = normalizeReference(proof.reference) ?? IMPOSSIBLE_REFERENCE;
    const rec = await findReservation(this.db, restaurantId, { reference });
    const customer = rec?.view.customer ?? null;
    // The country is read for a national number whether or not the reference exists: the work depends on the contact only.
    const national = !proof.contact.includes('@') && !isInternational(proof.contact);
    const probe = probeOf(proof.contact, national ? await restaurantPhoneCountry(this.db, restaurantId) : null);
    // Both comparisons always run; a missing email or phone compares against a value no probe can produce.
    const emailMatch = timingSafeEqual(probe, digest(customer?.email ? `email:${customer.email}` : '\u0000'));
    const phoneMatch = timingSafeEqual(probe, digest(customer?.phone ? `phone:${customer.phone}` : '\u0000'));
    if (rec === null || !(emailMatch || phoneMatch)) throw errors.guestReservationNotFound();
    return rec.view;
  }

  private async cutoffMinutes(restaurantId: string): Promise<number> {
    return (await loadProfile(this.db, restaurantId)).policy.cancellationCutoffMinutes;
  }

  private view(v: ReservationView, restaurant: RestaurantRef, cutoffMinutes: number): GuestReservationView {
    const cutoff = Date.parse(v.startsAt) - cutoffMinutes * 60_000;
    return {
      reference: v.reference, status: v.status, date: v.date, time: v.time, startsAt: v.startsAt, endsAt: v.endsAt, partySize: v.partySize,
      area: v.area, service: v.service, guestName: v.customer?.name ?? null, notes: v.notes,
      restaurant: { name: restaurant.name, slug: restaurant.slug, timezone: restaurant.timezone },
      cutoffAt: new Date(cutoff).toISOString(), changeable: v.status === 'confirmed' && this.now() < cutoff,
    };
  }

  /** Refuses a change of a confirmed reservation from its cut-off on (other statuses: the lifecycle answers). */
  private cutoffCheck(minutes: number) {
    return (v: ReservationView) => {
      if (v.status !== 'confirmed') return;
      const cutoff = Date.parse(v.startsAt) - minutes * 60_000;
      if (this.now() >= cutoff) throw errors.cancellationCutoffPassed(new Date(cutoff).toISOString(), minutes);
    };
  }

  async lookup(restaurant: RestaurantRef, proof: GuestProof): Promise<GuestReservationView> {
    const v = await this.prove(restaurant.id, proof);
    return this.view(v, restaurant, await this.cutoffMinutes(restaurant.id));
  }

  /** `actor`: who acts for the guest in the history (the guest themselves, or the API key of an agent acting for them). */
  async cancel(restaurant: RestaurantRef, proof: GuestProof & { reason?: string }, actor: ReservationActor = GUEST): Promise<GuestReservationView> {
    const v = await this.prove(restaurant.id, proof);
    const minutes = await this.cutoffMinutes(restaurant.id);
    const after = await this.reservations.cancel(restaurant.id, v.id, proof.reason ?? null, actor, undefined, { check: this.cutoffCheck(minutes) });
    return this.view(after, restaurant, minutes);
  }

  async reschedule(
    restaurant: RestaurantRef,
    proof: GuestProof & { date?: string; time?: string; partySize?: number },
    actor: ReservationActor = GUEST,
  ): Promise<GuestReservationView> {
    const v = await this.prove(restaurant.id, proof);
    const minutes = await this.cutoffMinutes(restaurant.id);
    const change = { date: proof.date, time: proof.time, partySize: proof.partySize };
    const after = await this.reservations.update(restaurant.id, v.id, change, actor, undefined, { check: this.cutoffCheck(minutes) });
    return this.view(after, restaurant, minutes);
  }
}
