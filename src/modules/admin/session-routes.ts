/** POST /login, POST /logout, GET /session. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SessionUser } from '../../http/context.js';
import { errorResponses } from '../../http/openapi.js';
import { ADMIN_TAGS, loginBodySchema, noContentSchema, sessionViewSchema } from './schemas.js';
import { clearSessionCookie, sessionCookieOf, setSessionCookie } from './session-cookie.js';

function sessionView(user: SessionUser) {
  return { user: { id: user.id, email: user.email, name: user.name }, memberships: user.memberships };
}

export const sessionRoutes: FastifyPluginAsyncZod = async (app) => {
  const auth = app.services.adminAuth;

  app.post(
    '/login',
    {
      config: { auth: 'none' },
      schema: {
        tags: ADMIN_TAGS,
        summary: 'Sign in',
        description:
          'Checks email and password and sets the HttpOnly, SameSite=Strict `maitre_session` cookie (12 hours; a new id on every ' +
          'login). Wrong email or password: 401 invalid_credentials. Rate limited per client IP and per email (429).',
        body: loginBodySchema,
        response: { 200: sessionViewSchema, ...errorResponses('invalid_credentials', 'rate_limit_exceeded') },
      },
    },
    async (req, reply) => {
      const result = await auth.login({
        email: req.body.email,
        password: req.body.password,
        ip: req.ip,
        userAgent: req.headers['user-agent'],
        previousToken: sessionCookieOf(req),
      });
      setSessionCookie(req, reply, result.token);
      return sessionView(result.user);
    },
  );

  app.post(
    '/logout',
    {
      config: { auth: 'none' },
      schema: {
        tags: ADMIN_TAGS,
        summary: 'Sign out',
        description: 'Ends the current session (if any) and clears the cookie. Always 204.',
        response: { 204: noContentSchema },
      },
    },
    async (req, reply) => {
      await auth.logout(sessionCookieOf(req));
      clearSessionCookie(req, reply);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/session',
    {
      config: { auth: 'session' },
      schema: {
        tags: ADMIN_TAGS,
        summary: 'The signed-in user',
        description: 'The user behind the session cookie and the restaurants they belong to, or 401 unauthenticated.',
        response: { 200: sessionViewSchema },
      },
    },
    async (req) => sessionView(req.sessionUser!),
  );
};
