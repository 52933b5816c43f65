/**
 * Phone numbers: one input schema, one message, one normalisation. A number is stored and compared in E.164
 * (`+33612345678`). A client may send it with its country code (`+33 6 12 34 56 78`, `0033 6 12 34 56 78`) or in the
 * national form of the restaurant's country (`06 12 34 56 78` for a restaurant whose `location.country` is `FR`), with
 * any spaces, dots, dashes, slashes and parentheses. Validity is checked against the full metadata of
 * libphonenumber-js (`/max`: the digit patterns of every numbering plan, not only the lengths; its size does not
 * matter on a server).
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';

export const PHONE_MESSAGE =
  "must be a phone number with its country code (+33 6 12 34 56 78), or in the national form of the restaurant's country " +
  '(06 12 34 56 78 for a restaurant in France)';

/** Digits with the usual separators, an optional leading "+": the shape of a phone number before it is resolved. */
const PHONE_SHAPE = /^\+?[0-9\s.\-()/]*[0-9][0-9\s.\-()/]*$/;

/**
 * The phone number of every input (bookings, waitlist, customers, filters): trimmed and shaped like a number. It is
 * resolved to E.164 with the restaurant's country by `toE164` (customers/identity.ts `resolvePhone`), where the
 * restaurant is known.
 */
export const phoneSchema = z
  .string()
  .trim()
  .max(40)
  .regex(PHONE_SHAPE, { error: PHONE_MESSAGE })
  .describe(
    "A phone number with its country code (+33 6 12 34 56 78), or in the national form of the restaurant's country " +
      '(`location.country`); stored and returned in E.164.',
  );

/** True for text shaped like a phone number (digits and separators, an optional leading "+"). */
export function looksLikePhone(text: string): boolean {
  return PHONE_SHAPE.test(text.trim());
}

/** The ISO 3166-1 alpha-2 code (any case) as libphonenumber knows it, or null (absent, or not a country code). */
export function phoneCountry(country: string | null | undefined): CountryCode | null {
  const code = country?.trim().toUpperCase();
  return code && isSupportedCountry(code) ? code : null;
}

/** True when the number carries its country code ("+" or the international prefix "00"): no country is needed. */
export function isInternational(raw: string): boolean {
  const t = raw.trim();
  return t.startsWith('+') || t.startsWith('00');
}

/**
 * The E.164 form of a number, read with the restaurant's country for a national number; null when it is not a valid
 * number (or is national and the restaurant has no country).
 */
export function toE164(raw: string, country: string | null | undefined): string | null {
  let text = raw.trim();
  if (!PHONE_SHAPE.test(text)) return null;
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  const code = phoneCountry(country);
  if (!text.startsWith('+') && code === null) return null;
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: code ?? undefined, extract: false });
  return parsed?.isValid() ? parsed.number : null;
}
