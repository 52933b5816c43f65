/** Helpers for admin API tests: a user with a membership, a login, the headers of a signed-in JSON request. */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse as Response } from 'fastify';
import { createUser, type Role } from '../../src/modules/admin/users.js';
import type { TestApp } from './app.js';

export const PASSWORD = 'correct horse battery staple';
export const JSON_TYPE = { 'content-type': 'application/json' };

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
}

export async function createAdminUser(
  t: TestApp,
  opts: { restaurantId?: string; role?: Role; email?: string; password?: string; name?: string } = {},
) {
  const email = opts.email ?? uniqueEmail();
  const password = opts.password ?? PASSWORD;
  const user = await createUser(t.db, { email, password, name: opts.name ?? 'Test User', restaurantId: opts.restaurantId, role: opts.role });
  return { user, email, password };
}

export function login(t: TestApp, email: string, password: string, extra: { headers?: Record<string, string>; remoteAddress?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/admin/api/login',
    headers: { ...JSON_TYPE, ...extra.headers },
    remoteAddress: extra.remoteAddress,
    payload: { email, password },
  });
}

/** The `maitre_session` cookie a response set (undefined when it set none). */
export function sessionCookie(res: Response) {
  return res.cookies.find((c) => c.name === 'maitre_session');
}

/** Signs a new user in (member of `restaurantId` with `role`) and returns the headers of its JSON requests. */
export async function signIn(t: TestApp, restaurantId?: string, role: Role = 'owner') {
  const { user, email, password } = await createAdminUser(t, { restaurantId, role });
  const res = await login(t, email, password);
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const token = sessionCookie(res)!.value;
  return { user, email, token, headers: { ...JSON_TYPE, cookie: `maitre_session=${token}` } };
}
