/**
 * Walk-ins (admin API): a party seated now is booked at the slot under way — the latest slot of today's services, or
 * of last night's overnight service, that started at most one slot interval ago (restaurant time zone, DST-safe:
 * the slots are the engine's own). Before the first seating, after the last one or on a closed day there is none.
 */
import type { BookingModel } from '../availability/model.js';
import { scheduleOn } from '../availability/schedule.js';
import { slotsOf, type Slot } from '../availability/slots.js';
import { addDays, localDate } from '../availability/time.js';

export function currentSlot(model: BookingModel, nowMs: number, partySize: number): Slot | null {
  const intervalMs = model.policy.slotIntervalMinutes * 60_000;
  const today = localDate(nowMs, model.timezone);
  let best: Slot | null = null;
  for (const date of [addDays(today, -1), today]) {
    for (const slot of slotsOf(model, scheduleOn(model, date), partySize)) {
      if (slot.startMs <= nowMs && nowMs < slot.startMs + intervalMs && (!best || slot.startMs > best.startMs)) best = slot;
    }
  }
  return best;
}
