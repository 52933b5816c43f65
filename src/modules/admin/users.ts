/**
 * Admin users and their memberships. `createUser` is shared by the admin API and the CLI (`maitre user create`): pass a
 * Db (it opens its own transaction) or a transaction handle. The password is hashed before any transaction starts, so
 * no slow work ever runs inside one.
 */
import type { Db, Queryable } from '../../db/types.js';
import { errors } from '../../http/errors.js';
import { newId } from '../../lib/ids.js';
import { recordAudit, type Actor } from '../audit/service.js';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.js';

export const ROLES = ['owner', 'manager', 'staff'] as const;
export type Role = (typeof ROLES)[number];

export interface Membership {
  restaurantId: string;
  slug: string;
  name: string;
  role: Role;
}

export interface User {
  id: string;
  email: string;
  name: string | null;
  createdAt: string;
}

export interface CreateUserInput {
  email: string;
  password: string;
  name?: string | null;
  /** The restaurant's id or slug; when given, the user becomes a member with `role`. */
  restaurantId?: string;
  /** Default `owner`. */
  role?: Role;
}

/** Credentials row for the login check (never leaves this module's callers). */
export interface UserCredentials {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string;
}

const SYSTEM: Actor = { type: 'system', id: null };
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function inTransaction<T>(db: Db | Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return 'transaction' in db ? db.transaction(fn) : fn(db);
}

async function resolveRestaurant(db: Queryable, idOrSlug: string): Promise<{ id: string; slug: string; name: string }> {
  const { rows } = await db.query<{ id: string; slug: string; name: string }>(
    'SELECT id, slug, name FROM restaurants WHERE id = $1 OR slug = $1',
    [idOrSlug],
  );
  if (!rows[0]) throw errors.restaurantNotFound(idOrSlug);
  return rows[0];
}

function validateNewUser(input: CreateUserInput): { email: string; name: string | null; role: Role } {
  const email = normalizeEmail(input.email);
  const issues = [];
  if (email.length > 254 || !EMAIL_RE.test(email)) issues.push({ path: 'email', message: 'is not an email address' });
  if (input.password.length < MIN_PASSWORD_LENGTH) issues.push({ path: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` });
  if (input.password.length > MAX_PASSWORD_LENGTH) issues.push({ path: 'password', message: `must be at most ${MAX_PASSWORD_LENGTH} characters` });
  const name = input.name?.trim() || null;
  if (name !== null && name.length > 200) issues.push({ path: 'name', message: 'must be at most 200 characters' });
  const role = input.role ?? 'owner';
  if (!ROLES.includes(role)) issues.push({ path: 'role', message: `must be one of ${ROLES.join(', ')}` });
  if (issues.length) throw errors.validation(issues);
  return { email, name, role };
}

/**
 * Creates a user (and, with `restaurantId`, its membership) with an audit row. Throws ApiError: validation_failed
 * (bad email, password under 10 characters), not_found (unknown restaurant), conflict (email taken).
 */
export async function createUser(
  db: Db | Queryable,
  input: CreateUserInput,
  actor: Actor = SYSTEM,
): Promise<User & { memberships: Membership[] }> {
  const { email, name, role } = validateNewUser(input);
  const passwordHash = await hashPassword(input.password);
  return inTransaction(db, async (tx) => {
    const restaurant = input.restaurantId === undefined ? null : await resolveRestaurant(tx, input.restaurantId);
    const { rows } = await tx.query(
      `INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO NOTHING RETURNING id, email, name, created_at`,
      [newId('usr'), email, name, passwordHash],
    );
    if (!rows[0]) throw errors.conflict(`A user with the email ${email} already exists.`, { email });
    const user: User = { id: rows[0].id, email: rows[0].email, name: rows[0].name, createdAt: new Date(rows[0].created_at).toISOString() };
    await recordAudit(tx, actor, {
      restaurantId: restaurant?.id ?? null, action: 'user.created', targetType: 'user', targetId: user.id, details: { email },
    });
    const memberships = restaurant ? [await addMembership(tx, { userId: user.id, restaurantId: restaurant.id, role }, actor)] : [];
    return { ...user, memberships };
  });
}

/** Adds (or changes the role of) a membership. `restaurantId` may be the id or the slug. */
export async function addMembership(
  db: Queryable,
  input: { userId: string; restaurantId: string; role: Role },
  actor: Actor = SYSTEM,
): Promise<Membership> {
  if (!ROLES.includes(input.role)) throw errors.validation([{ path: 'role', message: `must be one of ${ROLES.join(', ')}` }]);
  const restaurant = await resolveRestaurant(db, input.restaurantId);
  const { rowCount } = await db.query(
    `INSERT INTO memberships (user_id, restaurant_id, role) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1)
     ON CONFLICT (user_id, restaurant_id) DO UPDATE SET role = EXCLUDED.role`,
    [input.userId, restaurant.id, input.role],
  );
  if (rowCount === 0) throw errors.notFound(`No user "${input.userId}".`);
  await recordAudit(db, actor, {
    restaurantId: restaurant.id, action: 'membership.added', targetType: 'user', targetId: input.userId, details: { role: input.role },
  });
  return { restaurantId: restaurant.id, slug: restaurant.slug, name: restaurant.name, role: input.role };
}

export async function findUserCredentials(db: Queryable, email: string): Promise<UserCredentials | null> {
  const { rows } = await db.query('SELECT id, email, name, password_hash FROM users WHERE email = $1', [normalizeEmail(email)]);
  const r = rows[0];
  return r ? { id: r.id, email: r.email, name: r.name, passwordHash: r.password_hash } : null;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<User | null> {
  const { rows } = await db.query('SELECT id, email, name, created_at FROM users WHERE email = $1', [normalizeEmail(email)]);
  const r = rows[0];
  return r ? { id: r.id, email: r.email, name: r.name, createdAt: new Date(r.created_at).toISOString() } : null;
}

export async function setPasswordHash(db: Queryable, userId: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, passwordHash]);
}

export async function listMemberships(db: Queryable, userId: string): Promise<Membership[]> {
  const { rows } = await db.query(
    `SELECT m.restaurant_id, r.slug, r.name, m.role FROM memberships m JOIN restaurants r ON r.id = m.restaurant_id
      WHERE m.user_id = $1 ORDER BY r.name, r.id`,
    [userId],
  );
  return rows.map((r) => ({ restaurantId: r.restaurant_id, slug: r.slug, name: r.name, role: r.role }));
}
