/**
 * API key format (API.md §1): `mtr_{live|test}_{id}_{secret}` where id is 8 × [a-z0-9] and secret is 32 random base62
 * characters followed by a 6-character base62 CRC32 of everything before the checksum. The checksum lets the server
 * reject garbage and typos without touching the database.
 */
import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { BASE62, randomString } from '../../lib/ids.js';

export type Environment = 'live' | 'test';

const KEY_RE = /^mtr_(live|test)_([a-z0-9]{8})_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;
export const KEY_LENGTH = 56; // 'mtr_live_' + 8-char id + '_' + 32 + 6
const PUBLIC_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function base62(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function checksum(body: string): string {
  return base62(crc32(body), 6);
}

export interface GeneratedKey {
  key: string;
  publicId: string;
  prefix: string;
  hash: string;
}

export function newPublicId(): string {
  return randomString(8, PUBLIC_ID_ALPHABET);
}

export function generateKey(environment: Environment, publicId = newPublicId()): GeneratedKey {
  const body = `mtr_${environment}_${publicId}_${randomString(32, BASE62)}`;
  const key = body + checksum(body);
  return { key, publicId, prefix: keyPrefix(environment, publicId), hash: hashKey(key) };
}

export function keyPrefix(environment: Environment, publicId: string): string {
  return `mtr_${environment}_${publicId}`;
}

export interface ParsedKey {
  environment: Environment;
  publicId: string;
}

/** Structural check + checksum; null for anything that cannot be a key we issued. No I/O. */
export function parseKey(key: string): ParsedKey | null {
  if (key.length !== KEY_LENGTH) return null;
  const m = KEY_RE.exec(key);
  if (!m) return null;
  if (checksum(key.slice(0, -6)) !== m[4]) return null;
  return { environment: m[1] as Environment, publicId: m[2] };
}

/** SHA-256, hex (one-shot `crypto.hash`: half the cost of createHash().update().digest() on the hot path). */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}
