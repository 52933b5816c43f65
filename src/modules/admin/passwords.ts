/**
 * Password hashing with scrypt from node:crypto. Stored as `scrypt$N$r$p$<salt b64>$<hash b64>` so the parameters can be
 * raised later without breaking existing hashes (a login re-hashes a password stored with weaker ones).
 * Verification is constant-time; an unknown account still spends one full scrypt (see burnPasswordCheck).
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** scrypt needs about 128·N·r bytes (32 MiB at the defaults); a stored hash asking for more than this is refused. */
const MAX_MEM = 64 * 1024 * 1024;

function scrypt(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFKC'), salt, length, options, (err, derived) => (err ? reject(err) : resolve(derived)));
  });
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((v) => (/^\d{1,8}$/.test(v) ? Number(v) : NaN));
  const salt = Buffer.from(parts[4], 'base64');
  const hash = Buffer.from(parts[5], 'base64');
  const powerOfTwo = N >= 2 && (N & (N - 1)) === 0;
  if (!powerOfTwo || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16) || 128 * N * r > MAX_MEM) return null;
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return null;
  return { N, r, p, salt, hash };
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const hash = await scrypt(password, salt, HASH_BYTES, { N, r, p, maxmem: MAX_MEM });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** How many full scrypt derivations password checks have spent in this process (observable in tests). */
export const passwordWork = { derivations: 0 };

/** True when `password` matches `stored`; false for a wrong password and for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const { N, r, p, salt, hash } = parsed;
  passwordWork.derivations++;
  const derived = await scrypt(password, salt, hash.length, { N, r, p, maxmem: MAX_MEM });
  return timingSafeEqual(derived, hash);
}

/** True when a stored hash uses other parameters than today's (re-hash it at the next successful login). */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  const { N, r, p } = SCRYPT_PARAMS;
  return !parsed || parsed.N !== N || parsed.r !== r || parsed.p !== p || parsed.hash.length !== HASH_BYTES;
}

let dummy: Promise<string> | undefined;

/** A hash of a random password at today's parameters (made once per process). */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummy;
}

/** Spends the same scrypt work as a real check and answers false: used when the account does not exist. */
export async function burnPasswordCheck(password: string): Promise<false> {
  await verifyPassword(password, await dummyPasswordHash());
  return false;
}
