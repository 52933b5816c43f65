/**
 * Removing an erased customer's personal data from stored JSON snapshots (outbox events, idempotency records) and
 * text. Pure. The customer's own objects lose their personal fields; a reservation of theirs loses its customer,
 * notes and cancellation reason; and any remaining occurrence of a secret (name, email, phone) in a string becomes
 * "[erased]" (a secret shorter than 3 characters only when it is the whole string, so a one-letter name cannot
 * mangle unrelated text).
 */
export const ERASED = '[erased]';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 3) out = out.replace(new RegExp(escape(s), 'gi'), ERASED);
    else if (out.toLowerCase() === s.toLowerCase()) out = ERASED;
  }
  return out;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const PERSONAL = ['name', 'email', 'phone', 'notes'];

export function redactValue(value: unknown, customerId: string, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, customerId, secrets));
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, customerId, secrets);
  if (out.id === customerId) {
    for (const k of PERSONAL) if (k in out) out[k] = null;
    if (Array.isArray(out.tags)) out.tags = [];
  }
  if (isObject(value.customer) && value.customer.id === customerId) {
    out.customer = null;
    if ('notes' in out) out.notes = null;
    if ('cancellationReason' in out) out.cancellationReason = null;
  }
  return out;
}

/** The JSON text with the customer's personal data removed (same key order), or null when nothing changed. */
export function redactJson(text: string, customerId: string, secrets: readonly string[]): string | null {
  const redacted = JSON.stringify(redactValue(JSON.parse(text), customerId, secrets));
  return redacted === JSON.stringify(JSON.parse(text)) ? null : redacted;
}
