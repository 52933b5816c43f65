/** The session cookie's attributes: HttpOnly, SameSite=Strict, Path=/, Secure over https, 12 hours. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { SESSION_COOKIE, SESSION_TTL_MS } from './sessions.js';

function attributes(req: FastifyRequest): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: req.protocol === 'https' };
}

export function sessionCookieOf(req: FastifyRequest): string | undefined {
  return req.cookies[SESSION_COOKIE];
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { ...attributes(req), maxAge: Math.floor(SESSION_TTL_MS / 1000) });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, attributes(req));
}
