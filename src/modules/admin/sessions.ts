/**
 * Dashboard sessions. The cookie carries 32 random bytes (base64url); the database keeps only their SHA-256, so a
 * leaked sessions table cannot be replayed. Sessions last 12 hours from login (absolute, not sliding).
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/types.js';
import { randomToken } from '../../lib/ids.js';

export const SESSION_COOKIE = 'maitre_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export interface SessionRecord {
  userId: string;
  email: string;
  name: string | null;
  expiresAt: number;
}

export function newSessionToken(): string {
  return randomToken(32);
}

/** True for something shaped like a token we issue (anything else is refused without a database read). */
export function isSessionToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_RE.test(value);
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function insertSession(
  db: Queryable,
  s: { hash: string; userId: string; createdAt: number; expiresAt: number; ip: string | null; userAgent: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)`,
    [s.hash, s.userId, new Date(s.createdAt).toISOString(), new Date(s.expiresAt).toISOString(), s.ip, s.userAgent?.slice(0, 300) ?? null],
  );
}

export async function findSession(db: Queryable, hash: string): Promise<SessionRecord | null> {
  const { rows } = await db.query(
    `SELECT s.user_id, s.expires_at, u.email, u.name FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`,
    [hash],
  );
  const r = rows[0];
  return r ? { userId: r.user_id, email: r.email, name: r.name, expiresAt: new Date(r.expires_at).getTime() } : null;
}

export async function deleteSession(db: Queryable, hash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [hash]);
}

/** Drops a user's expired sessions (done at each login, so the table does not grow without bound). */
export async function deleteExpiredSessions(db: Queryable, userId: string, now: number): Promise<void> {
  await db.query('DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2', [userId, new Date(now).toISOString()]);
}
