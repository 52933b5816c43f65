/** Route schemas of the guest self-service endpoints. */
import { z } from 'zod';
import { dateSchema, timeSchema } from '../availability/schemas.js';
import { STATUSES } from '../reservations/lifecycle.js';

// Deliberately loose: a reference that cannot exist answers the same 404 as any unknown one, not a 422.
const proof = {
  reference: z.string().trim().min(1).max(40).describe('The confirmation code, e.g. K7M-4QX9 (any case, dash optional).'),
  contact: z.string().trim().min(3).max(254).describe('The email or the phone number the reservation was made with.'),
};

export const lookupBodySchema = z.strictObject(proof);

export const cancelBodySchema = z.strictObject({ ...proof, reason: z.string().trim().min(1).max(500).optional() });

export const rescheduleBodySchema = z
  .strictObject({ ...proof, date: dateSchema.optional(), time: timeSchema.optional(), partySize: z.number().int().min(1).max(1000).optional() })
  .refine((b) => b.date !== undefined || b.time !== undefined || b.partySize !== undefined, { error: 'send date, time and/or partySize' });

export const guestReservationSchema = z.object({
  reference: z.string(),
  status: z.enum(STATUSES),
  date: z.string(),
  time: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  partySize: z.number().int(),
  area: z.string().nullable(),
  service: z.string(),
  guestName: z.string().nullable(),
  notes: z.string().nullable(),
  restaurant: z.object({ name: z.string(), slug: z.string(), timezone: z.string() }),
  cutoffAt: z.string().describe('From this instant on, the reservation can no longer be cancelled or changed online.'),
  changeable: z.boolean().describe('Confirmed and before the cut-off: cancel and reschedule are possible.'),
});
