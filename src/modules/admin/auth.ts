/**
 * Admin authentication: password login (rate limited per client IP and per email), session lookup, logout.
 * Wrong email and wrong password are indistinguishable: same error, and an unknown email still spends one scrypt.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/types.js';
import type { SessionUser } from '../../http/context.js';
import { errors } from '../../http/errors.js';
import { MINUTE, type RateLimiter } from '../../http/rate-limit/types.js';
import { burnPasswordCheck, dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import {
  deleteExpiredSessions, deleteSession, findSession, hashSessionToken, insertSession, isSessionToken, newSessionToken, SESSION_TTL_MS,
} from './sessions.js';
import { findUserCredentials, listMemberships, normalizeEmail, setPasswordHash } from './users.js';

export const LOGIN_LIMITS = {
  perIp: { limit: 20, windowMs: 15 * MINUTE },
  perEmail: { limit: 10, windowMs: 15 * MINUTE },
} as const;

export interface LoginAttempt {
  email: string;
  password: string;
  ip: string;
  userAgent?: string;
  /** The session cookie the browser already had: it is ended, never reused (session fixation defence). */
  previousToken?: string;
}

export interface LoginResult {
  /** The raw cookie value; only its hash is stored. */
  token: string;
  expiresAt: number;
  user: SessionUser;
}

export class AdminAuth {
  constructor(
    readonly db: Db,
    readonly limiter: RateLimiter,
    readonly now: () => number,
  ) {
    // Ready the dummy hash now, so even the first login for an unknown email costs what any other does.
    void dummyPasswordHash();
  }

  private async throttle(bucket: string, rule: { limit: number; windowMs: number }): Promise<void> {
    const r = await this.limiter.consume(bucket, rule.limit, rule.windowMs);
    if (!r.allowed) throw errors.rateLimited(r.retryAfterSeconds, r.limit, rule.windowMs / 1000);
  }

  async login(attempt: LoginAttempt): Promise<LoginResult> {
    const email = normalizeEmail(attempt.email);
    await this.throttle(`admin-login:ip:${attempt.ip}`, LOGIN_LIMITS.perIp);
    // The email is hashed so a shared limiter (Redis) never holds addresses.
    await this.throttle(`admin-login:email:${createHash('sha256').update(email).digest('hex')}`, LOGIN_LIMITS.perEmail);

    const user = await findUserCredentials(this.db, email);
    const ok = user ? await verifyPassword(attempt.password, user.passwordHash) : await burnPasswordCheck(attempt.password);
    if (!user || !ok) throw errors.invalidCredentials();
    if (needsRehash(user.passwordHash)) await setPasswordHash(this.db, user.id, await hashPassword(attempt.password));

    if (isSessionToken(attempt.previousToken)) await deleteSession(this.db, hashSessionToken(attempt.previousToken));
    const token = newSessionToken();
    const hash = hashSessionToken(token);
    const now = this.now();
    const expiresAt = now + SESSION_TTL_MS;
    await deleteExpiredSessions(this.db, user.id, now);
    await insertSession(this.db, { hash, userId: user.id, createdAt: now, expiresAt, ip: attempt.ip, userAgent: attempt.userAgent ?? null });
    const memberships = await listMemberships(this.db, user.id);
    return { token, expiresAt, user: { id: user.id, email: user.email, name: user.name, sessionHash: hash, memberships } };
  }

  /** The user behind a session cookie, or null (no cookie, unknown, expired: an expired session is deleted). */
  async authenticate(token: string | undefined): Promise<SessionUser | null> {
    if (!isSessionToken(token)) return null;
    const hash = hashSessionToken(token);
    const session = await findSession(this.db, hash);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      await deleteSession(this.db, hash);
      return null;
    }
    const memberships = await listMemberships(this.db, session.userId);
    return { id: session.userId, email: session.email, name: session.name, sessionHash: hash, memberships };
  }

  async logout(token: string | undefined): Promise<void> {
    if (isSessionToken(token)) await deleteSession(this.db, hashSessionToken(token));
  }
}
