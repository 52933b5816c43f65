/** Prefixed opaque ids (`rst_…`, `res_…`) and random tokens from the CSPRNG. */
import { randomBytes, randomInt } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Uniform random string over an alphabet (rejection sampling through crypto.randomInt). */
export function randomString(length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function newId(prefix: string, length = 20): string {
  return `${prefix}_${randomString(length, LOWER)}`;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
