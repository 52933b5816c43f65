/**
 * Webhook secrets and signatures (API.md §7, docs/webhooks.md):
 * - `X-Maitre-Signature`: hex HMAC-SHA256 of the raw body, keyed with the whole secret string's UTF-8 bytes
 *   (`whsec_…` included) — what any plain HMAC helper computes. While a secret is being rolled: the NEW secret.
 * - Standard Webhooks: `webhook-id` (the event id, stable across retries), `webhook-timestamp` (unix seconds of this
 *   attempt), `webhook-signature`: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the base64-decoded
 *   part after `whsec_`; one space-separated entry per live secret (new first, then the previous one during a roll).
 */
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const SECRET_BYTES = 32;
/** How long the previous secret keeps signing after a roll. */
export const ROLL_OVERLAP_MS = 24 * 3_600_000;

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key of the Standard Webhooks scheme: the base64-decoded part after `whsec_`. */
export function standardKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new TypeError('a webhook secret starts with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

/** `X-Maitre-Signature`: hex HMAC-SHA256(key = UTF-8 bytes of the whole secret, message = raw body). */
export function maitreSignature(secret: string, body: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(body, 'utf8').digest('hex');
}

/** One Standard Webhooks signature entry: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', standardKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

export interface SignedHeaders {
  'content-type': string;
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'x-maitre-signature': string;
}

/**
 * The signature headers of one attempt. `secrets` lists the live secrets, current first (the previous one while a
 * roll overlaps): every one signs the Standard Webhooks header, the current one signs X-Maitre-Signature.
 */
export function signatureHeaders(secrets: readonly string[], id: string, timestamp: number, body: string): SignedHeaders {
  if (secrets.length === 0) throw new TypeError('no secret to sign with');
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => standardSignature(s, id, timestamp, body)).join(' '),
    'x-maitre-signature': maitreSignature(secrets[0], body),
  };
}
