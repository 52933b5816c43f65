/**
 * The admin dashboard (issue 7): the single-page app built by Vite into dist/dashboard, served at /dashboard/.
 * Register with `app.register(dashboardRoutes, { prefix: '/dashboard' })`.
 * - hashed files under /dashboard/assets/ are cached for a year (immutable); everything else is revalidated;
 * - any other GET under /dashboard/ that is not a file answers index.html (client-side routes), never for /assets/;
 * - `/dashboard` redirects to `/dashboard/`;
 * - every response carries a strict Content-Security-Policy (no inline script, no framing) and the usual headers;
 * - except /dashboard/email-frame: the empty page the dashboard frames to show an email's HTML (see EMAIL_FRAME_CSP);
 * - without a build (dist/dashboard/index.html missing) the dashboard answers 503 saying how to build it.
 * The directory is resolved from this file, the same from src/ (tsx, tests) and dist/ (npm start).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errors } from '../../http/errors.js';
import { markGuard } from '../../http/route-auth.js';

/** <root>/dist/dashboard, from <root>/src/modules/dashboard/ or <root>/dist/modules/dashboard/. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The email preview frame (web/src/pages/messages/EmailFrame.tsx): an empty document, framed by the dashboard only,
 * into which the dashboard writes an email's HTML (rendered and escaped by the server). Emails carry inline styles, which
 * the dashboard's own policy refuses (and a srcdoc or blob frame would inherit that policy); this one allows inline
 * styles and nothing else: no script at all, no request anywhere (a remote image stays a blocked box, as in a mail
 * client that blocks images). The dashboard also sandboxes the frame without `allow-scripts`.
 */
export const EMAIL_FRAME_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

const EMAIL_FRAME_HEADERS: Record<string, string> = {
  'content-security-policy': EMAIL_FRAME_CSP,
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'SAMEORIGIN',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const EMAIL_FRAME_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>Email preview</title></head><body></body></html>\n';

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': DASHBOARD_CSP, // (nosniff is on every answer: src/http/security-headers.ts)
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const ASSET_CACHE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const NOT_BUILT_SHORT =
  'The dashboard has not been built: run `npm run build` (or `npm start`, which builds first) in the Maitre directory, then reload.';

const NOT_BUILT_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Maitre dashboard: not built</title></head>
<body><main><h1>The Maitre dashboard has not been built yet</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds first) in the Maitre directory, then reload this page.</p>
<p>The API (<code>/v1</code>, <code>/admin/api</code>) and its reference (<a href="/docs">/docs</a>) work without it.</p></main></body></html>
`;

export interface DashboardOptions {
  /** The built dashboard (default: <root>/dist/dashboard). */
  root?: string;
}

export const dashboardRoutes: FastifyPluginAsync<DashboardOptions> = async (app, opts) => {
  const root = opts.root ?? DASHBOARD_DIR;
  const indexFile = join(root, 'index.html');
  markGuard(app, 'public'); // the app's files (its API is /admin/api), including @fastify/static's routes

  const emailFrame = `${app.prefix}/email-frame`;
  app.addHook('onSend', async (req, reply, payload) => {
    const headers = req.routeOptions.url === emailFrame ? EMAIL_FRAME_HEADERS : SECURITY_HEADERS;
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    return payload;
  });

  app.get('/email-frame', { config: { auth: 'none' }, schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/html; charset=utf-8').send(EMAIL_FRAME_HTML),
  );

  /** index.html, read on each request (small, and a build made while the server runs is picked up). */
  const sendIndex = async (req: FastifyRequest, reply: FastifyReply) => {
    let html: Buffer;
    try {
      html = await readFile(indexFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      reply.header('cache-control', 'no-store');
      // A browser gets a page that says what to do; any other client the API's error envelope.
      if (!/text\/html/.test(req.headers.accept ?? '')) throw new ApiError('service_unavailable', NOT_BUILT_SHORT, {}, { 'retry-after': '60' });
      return reply.code(503).header('retry-after', '60').type('text/html; charset=utf-8').send(NOT_BUILT_HTML);
    }
    return reply.header('cache-control', REVALIDATE).type('text/html; charset=utf-8').send(html);
  };

  // `/dashboard` and `/dashboard/` reach this one route (the router ignores a trailing slash).
  app.get('/', { config: { auth: 'none' }, schema: { hide: true } }, async (req, reply) => {
    const [path, query] = splitUrl(req.raw.url ?? '');
    if (!path.endsWith('/')) return reply.redirect(`${path}/${query}`, 301);
    return sendIndex(req, reply);
  });

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: false,
    redirect: false,
    wildcard: true,
    decorateReply: false,
    serveDotFiles: false,
    cacheControl: false,
    etag: true,
    lastModified: true,
    suppressWarning: true,
    setHeaders(reply, filePath) {
      const inAssets = filePath.startsWith(join(root, 'assets') + sep);
      reply.header('cache-control', inAssets ? ASSET_CACHE : REVALIDATE);
    },
  });

  // Not a file: a client-side route gets the app; a missing asset or another method gets the API's 404 envelope.
  const assets = `${app.prefix}/assets/`;
  app.setNotFoundHandler(async (req, reply) => {
    const [path] = splitUrl(req.raw.url ?? '');
    const isAsset = path.startsWith(assets);
    const looksLikeFile = /\.[a-z0-9]{1,8}$/i.test(path);
    if ((req.method === 'GET' || req.method === 'HEAD') && !isAsset && !looksLikeFile) return sendIndex(req, reply);
    reply.header('cache-control', 'no-store');
    throw errors.notFound(`No file ${path} in the dashboard.`);
  });
};

function splitUrl(url: string): [string, string] {
  const i = url.indexOf('?');
  return i === -1 ? [url, ''] : [url.slice(0, i), url.slice(i)];
}
