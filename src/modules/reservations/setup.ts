/** The booking services, sharing one booking-model cache: availability, reservations and the guest side around them. */
import type { Db } from '../../db/types.js';
import type { MessageDefaults } from '../notifications/links.js';
import { AvailabilityService } from '../availability/service.js';
import { CustomerService } from '../customers/service.js';
import { EventService } from '../events/service.js';
import { GuestService } from '../guest/service.js';
import { WaitlistOffers } from '../waitlist/offers.js';
import { WaitlistService } from '../waitlist/service.js';
import { ReservationService } from './service.js';

export interface BookingServices {
  availability: AvailabilityService;
  reservations: ReservationService;
  customers: CustomerService;
  waitlist: WaitlistService;
  events: EventService;
  guest: GuestService;
}

/** `messages`: the app's MAITRE_PUBLIC_URL and MAITRE_SMTP_FROM, which the guest's emails use (notifications/links.ts). */
export function createBookingServices(db: Db, now: () => number, messages: MessageDefaults): BookingServices {
  const availability = new AvailabilityService(db, now);
  const floors = availability.floors;
  // The waitlist's offer engine is booking's CapacityHooks: freed tables are offered inside the freeing transaction.
  const offers = new WaitlistOffers(floors, now, messages);
  const reservations = new ReservationService(db, floors, now, offers, messages);
  return {
    availability,
    reservations,
    customers: new CustomerService(db, offers, now),
    waitlist: new WaitlistService(db, offers, floors, messages, now),
    events: new EventService(db, floors, now),
    guest: new GuestService(db, reservations, now),
  };
}
