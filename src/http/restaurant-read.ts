/**
 * A read of a restaurant that both APIs serve — opening hours, availability, the waitlist: declared once (its path
 * below /restaurants/:restaurant, query, response and handler, here with the module that owns it) and mounted by each
 * API behind its own guard, in its own words: /v1 with a scope, /admin/api with roles. Both answer the same thing,
 * validated and serialized by the same schemas.
 */
import type { FastifyContextConfig, FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { z } from 'zod';
import type { Services } from '../services.js';
import { restaurantIdOf } from './context.js';
import { JSON_CONTENT_TYPE, SerializedJson } from './serializer.js';

export interface RestaurantRead<Q extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  /** Below each API's /restaurants/:restaurant. */
  url: string;
  summary: string;
  querystring: Q;
  /** The 200 response. */
  response: R;
  /** The answer, or the same already serialized with the response's own serializer (serializerFor). */
  read: (services: Services, restaurantId: string, query: z.output<Q>) => Promise<z.input<R> | SerializedJson>;
}

/** Declares a shared read (typed: `read` gets the parsed query and must answer the response's shape). */
export function restaurantRead<Q extends z.ZodType, R extends z.ZodType>(route: RestaurantRead<Q, R>): RestaurantRead<Q, R> {
  return route;
}

/** What one API adds when it mounts a shared read: its guard's config and its documentation. */
export interface ReadMount {
  config: FastifyContextConfig;
  params: z.ZodType;
  tags: string[];
  description: string;
  operationId?: string;
  /** When this API words it otherwise than the route's summary. */
  summary?: string;
}

/** Adds the route to `app` (a context under /restaurants/:restaurant behind a guard that resolves the restaurant). */
export function mountRead<Q extends z.ZodType, R extends z.ZodType>(app: FastifyInstance, route: RestaurantRead<Q, R>, mount: ReadMount): void {
  const { config, params, tags, description, operationId, summary = route.summary } = mount;
  const handler: RouteHandlerMethod = async (req, reply) => {
    const answer = await route.read(app.services, restaurantIdOf(req), req.query as z.output<Q>);
    if (answer instanceof SerializedJson) return reply.header('content-type', JSON_CONTENT_TYPE).send(answer.bytes);
    return answer;
  };
  app.route({
    method: 'GET',
    url: route.url,
    config,
    schema: {
      ...(operationId === undefined ? {} : { operationId }),
      summary, description, tags, params, querystring: route.querystring, response: { 200: route.response },
    },
    handler,
  });
}
