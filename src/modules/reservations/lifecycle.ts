/**
 * The reservation lifecycle: confirmed → seated → completed; confirmed → cancelled | no_show. Nothing else.
 * Active (holds its tables, counts for pacing): confirmed and seated.
 */
import { errors } from '../../http/errors.js';

export const STATUSES = ['confirmed', 'seated', 'completed', 'cancelled', 'no_show'] as const;
export type Status = (typeof STATUSES)[number];

const NEXT: Record<Status, readonly Status[]> = {
  confirmed: ['seated', 'cancelled', 'no_show'],
  seated: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};

export function canTransition(from: Status, to: Status): boolean {
  return NEXT[from].includes(to);
}

/** Throws 409 invalid_status_transition (details.from, details.to) unless from → to is allowed. */
export function assertTransition(from: Status, to: Status): void {
  if (!canTransition(from, to)) {
    const allowed = NEXT[from];
    throw errors.invalidStatusTransition(
      from,
      to,
      `A ${from} reservation cannot become ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (it is final)'}.`,
    );
  }
}
