/**
 * The proxy pattern of docs/widget.md, hosted by the server itself for its /demo page: the widget on /demo calls
 * /demo/api/v1/restaurants/demo/…, and these routes forward ONLY the widget's calls (GET availability and hours, POST
 * reservations, POST guest/lookup|cancel|reschedule) to this server's own /v1, adding a narrowly scoped key that
 * exists only in this process's memory (src/demo.ts createDemoWidgetKey). The browser never sees a key; the disk
 * holds only its hash. Forwarding goes through app.inject, so every check of the real API (key pipeline, rate limits,
 * idempotency, validation) applies unchanged, with the visitor's IP as the client address.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { createDemoWidgetKey, type DemoKeyServices } from '../../demo.js';
import { errors } from '../../http/errors.js';

export const DEMO_API_PREFIX = '/demo/api';
export const DEMO_SLUG = 'demo';

/** Headers of the API's answer that the widget may use. */
const PASSED_BACK = [
  'content-type', 'retry-after', 'idempotent-replayed', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit',
  'ratelimit-policy',
];

/** The demo page's key: created at start-up (replacing earlier runs' keys), re-created if it was revoked meanwhile. */
export class DemoKey {
  private pending: Promise<string | null> | null = null;
  private current: string | null = null;
  private started = false;

  constructor(private readonly services: DemoKeyServices) {}

  get(): Promise<string | null> {
    if (!this.pending) {
      const replacePrevious = !this.started;
      this.started = true;
      this.pending = createDemoWidgetKey(this.services, { replacePrevious }).then(
        (key) => {
          if (key === null) {
            this.pending = null; // no demo restaurant yet: ask again next time
            this.started = false;
          }
          this.current = key;
          return key;
        },
        (err: unknown) => {
          this.pending = null;
          throw err;
        },
      );
    }
    return this.pending;
  }

  /** The key stopped working (revoked or deleted in the dashboard): make a new one, leaving other instances' keys alone. */
  renew(stale: string): void {
    if (this.current !== stale) return; // already renewed by a concurrent request
    this.current = null;
    this.pending = null;
  }
}

type Target = 'availability' | 'hours' | 'reservations' | 'guest';

/** The proxy's routes: they forward through `app.inject`, and need only the demo key and to find the demo restaurant. */
export const demoProxyRoutes = (demoKey: DemoKey, services: Pick<DemoKeyServices, 'restaurants'>): FastifyPluginAsync =>
  async (app) => {
    const forward = async (req: FastifyRequest, reply: FastifyReply, target: Target) => {
      const { restaurant, action } = req.params as { restaurant: string; action?: string };
      const demo = await services.restaurants.resolve(DEMO_SLUG);
      if (!demo || (restaurant !== demo.slug && restaurant !== demo.id)) {
        throw errors.notFound('The demo proxy only serves the demo restaurant "demo".');
      }
      if (target === 'guest' && !['lookup', 'cancel', 'reschedule'].includes(action ?? '')) throw errors.notFound();
      const key = target === 'guest' ? null : await demoKey.get();
      if (target !== 'guest' && key === null) throw errors.notFound('The demo restaurant does not exist.');
      const res = await send(app, req, target, key);
      if (key !== null && res.statusCode === 401) {
        demoKey.renew(key);
        const fresh = await demoKey.get();
        if (fresh !== null && fresh !== key) return relay(reply, await send(app, req, target, fresh));
      }
      return relay(reply, res);
    };

    const config = { auth: 'none' as const };
    const schema = { hide: true };
    app.get('/v1/restaurants/:restaurant/availability', { config, schema }, (req, reply) => forward(req, reply, 'availability'));
    app.get('/v1/restaurants/:restaurant/hours', { config, schema }, (req, reply) => forward(req, reply, 'hours'));
    app.post('/v1/restaurants/:restaurant/reservations', { config, schema }, (req, reply) => forward(req, reply, 'reservations'));
    app.post('/v1/restaurants/:restaurant/guest/:action', { config, schema }, (req, reply) => forward(req, reply, 'guest'));
  };

function send(app: FastifyInstance, req: FastifyRequest, target: Target, key: string | null) {
  const { action } = req.params as { action?: string };
  const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
  const path = target === 'guest' ? `guest/${action}` : target;
  const headers: Record<string, string> = { 'x-request-id': req.id };
  if (key !== null) headers['x-api-key'] = key;
  for (const name of ['content-type', 'idempotency-key', 'accept', 'user-agent']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return app.inject({
    method: req.method === 'GET' ? 'GET' : 'POST',
    url: `/v1/restaurants/${DEMO_SLUG}/${path}${target === 'availability' || target === 'hours' ? query : ''}`,
    headers,
    payload: req.method === 'GET' || req.body === undefined ? undefined : JSON.stringify(req.body),
    remoteAddress: req.ip,
  });
}

function relay(reply: FastifyReply, res: Awaited<ReturnType<FastifyInstance['inject']>>) {
  reply.code(res.statusCode);
  for (const name of PASSED_BACK) {
    const value = res.headers[name];
    if (value !== undefined) reply.header(name, value);
  }
  reply.header('cache-control', 'no-store');
  return reply.send(res.rawPayload);
}
