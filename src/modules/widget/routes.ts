/**
 * The booking widget and its demo (issue 10). Register with `app.register(widgetRoutes)`.
 * - GET /widget.js: the built widget (dist/widget/widget.js), JavaScript, ETag + revalidation, readable from any origin
 *   (`Access-Control-Allow-Origin: *`, `Cross-Origin-Resource-Policy: cross-origin`) so any website can embed it;
 *   without a build, 503 `service_unavailable` saying how to build it.
 * - GET /demo (+ /demo/demo.css): a sample restaurant page embedding the widget for the demo restaurant, under a
 *   strict CSP; 404 page when the demo is off (MAITRE_DEMO=0) or there is no demo restaurant.
 * - /demo/api/…: the server-side proxy of that page (demo-proxy.ts), only when MAITRE_DEMO is on.
 */
import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from '../../http/errors.js';
import { BundleFile, matchesEtag } from './bundle.js';
import { DEMO_CSP, DEMO_CSS, demoHtml } from './demo-page.js';
import { DEMO_API_PREFIX, DEMO_SLUG, DemoKey, demoProxyRoutes } from './demo-proxy.js';

export interface WidgetOptions {
  /** The built widget file (default dist/widget/widget.js); tests point it elsewhere. */
  bundlePath?: string;
}

const NOT_BUILT =
  'The booking widget has not been built: run `npm run build` (or `npm start`, which builds first) in the Maitre directory.';

const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': DEMO_CSP,
  'referrer-policy': 'same-origin',
  'cache-control': 'no-cache',
};

export const widgetRoutes: FastifyPluginAsync<WidgetOptions> = async (app, opts) => {
  const bundle = new BundleFile(opts.bundlePath);
  const hidden = { config: { auth: 'none' as const }, schema: { hide: true } };

  app.get('/widget.js', hidden, async (req, reply) => {
    reply
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin'); // nosniff: on every answer (src/http/security-headers.ts)
    const built = await bundle.load();
    if (!built) {
      throw new ApiError('service_unavailable', NOT_BUILT, { file: 'dist/widget/widget.js' }, { 'retry-after': '60', 'cache-control': 'no-store' });
    }
    reply.header('etag', built.etag).header('cache-control', 'public, max-age=300, must-revalidate');
    if (matchesEtag(req.headers['if-none-match'], built.etag)) return reply.code(304).send();
    return reply.type('text/javascript; charset=utf-8').send(built.body);
  });

  const demoKey = new DemoKey(app.services);
  const demoEnabled = app.services.config.demo;

  app.get('/demo', hidden, async (req, reply) => {
    reply.headers(PAGE_HEADERS);
    const restaurant = demoEnabled ? await app.services.restaurants.resolve(DEMO_SLUG) : null;
    if (!restaurant) {
      const why = demoEnabled
        ? 'There is no demo restaurant in this database (it is created on an empty database when the server first starts with MAITRE_DEMO on).'
        : 'The demo is turned off (MAITRE_DEMO=0).';
      return reply.code(404).type('text/html; charset=utf-8').send(notAvailablePage(why));
    }
    const lang = (req.query as { lang?: unknown }).lang === 'fr' ? 'fr' : 'en';
    return reply.type('text/html; charset=utf-8').send(demoHtml(lang, restaurant.name));
  });

  app.get('/demo/demo.css', hidden, async (_req, reply) =>
    reply.headers(PAGE_HEADERS).type('text/css; charset=utf-8').send(DEMO_CSS),
  );

  if (demoEnabled) {
    await app.register(demoProxyRoutes(demoKey, app.services), { prefix: DEMO_API_PREFIX });
    // Replace the previous run's demo-page key at start-up (the demo restaurant may be seeded just before listen).
    app.addHook('onReady', async () => {
      try {
        await demoKey.get();
      } catch (err) {
        app.log.warn({ err }, 'could not create the demo page key; /demo will retry on first use');
      }
    });
  }
};

function notAvailablePage(why: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo not available</title></head><body><h1>The demo is not available</h1><p>${why}</p>
<p>The booking widget itself is served at <code>/widget.js</code>; see docs/widget.md.</p></body></html>
`;
}
