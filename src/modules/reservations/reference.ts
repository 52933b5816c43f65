/**
 * Reservation references: short human confirmation codes like `K7M-4QX9`. 7 characters drawn uniformly from the
 * CSPRNG over an alphabet without the look-alikes 0/O and 1/I (32 symbols: 35 bits), unique per restaurant (the
 * insert retries on the rare collision).
 */
import { randomString } from '../../lib/ids.js';

export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const SYMBOL = `[${REFERENCE_ALPHABET}]`;
const LOOSE = new RegExp(`^${SYMBOL}{7}$`);

export function newReference(): string {
  const s = randomString(7, REFERENCE_ALPHABET);
  return `${s.slice(0, 3)}-${s.slice(3)}`;
}

/**
 * A reference as a person may type it (lower case, spaces, no dash or an extra one) in canonical form, or null when
 * it cannot be one.
 */
export function normalizeReference(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (!LOOSE.test(compact)) return null;
  return `${compact.slice(0, 3)}-${compact.slice(3)}`;
}
