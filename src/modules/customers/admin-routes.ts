/**
 * Customers in the admin API (API.md §10): every role reads; staff may change notes and tags only; owners and managers
 * export a customer's data; only owners erase one (GDPR).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errors } from '../../http/errors.js';
import { errorResponses } from '../../http/openapi.js';
import { restaurantIdOf } from '../../http/context.js';
import { actorOf, EVERY_ROLE, MANAGERS } from '../admin/guard.js';
import { ADMIN_TAGS, restaurantParamsSchema } from '../admin/schemas.js';
import {
  customerExportSchema, customerListSchema, customerParamsSchema, customerProfileSchema, eraseResultSchema, listCustomersQuerySchema,
  updateCustomerBodySchema,
} from './schemas.js';

/** The default source recorded with a marketing consent changed in the dashboard. */
const CHANNEL = 'dashboard';
const STAFF_FIELDS = new Set(['notes', 'tags']);

export const customerAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const customers = app.services.customers;

  app.get(
    '/customers',
    {
      config: { auth: 'session', roles: EVERY_ROLE },
      schema: {
        tags: ADMIN_TAGS, summary: 'Search customers', description: 'As GET /v1/…/customers: `q`, `email`, `phone`, `tag`, paginated.',
        params: restaurantParamsSchema, querystring: listCustomersQuerySchema, response: { 200: customerListSchema },
      },
    },
    async (req) => customers.list(restaurantIdOf(req), req.query),
  );

  app.get(
    '/customers/:id',
    {
      config: { auth: 'session', roles: EVERY_ROLE },
      schema: {
        tags: ADMIN_TAGS, summary: 'A customer profile', params: customerParamsSchema,
        response: { 200: customerProfileSchema, ...errorResponses('customer_not_found') },
      },
    },
    async (req) => customers.get(restaurantIdOf(req), req.params.id),
  );

  app.patch(
    '/customers/:id',
    {
      config: { auth: 'session', roles: EVERY_ROLE },
      schema: {
        tags: ADMIN_TAGS, summary: 'Change a customer', description: 'Staff may change `notes` and `tags` only (403 forbidden otherwise).',
        params: customerParamsSchema, body: updateCustomerBodySchema,
        response: { 200: customerProfileSchema, ...errorResponses('customer_not_found', 'conflict') },
      },
    },
    async (req) => {
      if (req.adminMembership?.role === 'staff') {
        const other = Object.entries(req.body).find(([k, v]) => v !== undefined && !STAFF_FIELDS.has(k));
        if (other) throw errors.forbidden(`Staff may change notes and tags only, not ${other[0]}.`);
      }
      return customers.update(restaurantIdOf(req), req.params.id, req.body, CHANNEL);
    },
  );

  app.get(
    '/customers/:id/export',
    {
      config: { auth: 'session', roles: MANAGERS },
      schema: {
        tags: ADMIN_TAGS, summary: 'Export a customer’s data (GDPR)',
        description: 'The profile, statistics, every reservation with its history and every waitlist entry, as JSON. Recorded in the audit log.',
        params: customerParamsSchema, response: { 200: customerExportSchema, ...errorResponses('customer_not_found') },
      },
    },
    async (req) => customers.export(restaurantIdOf(req), req.params.id, actorOf(req)),
  );

  app.post(
    '/customers/:id/erase',
    {
      config: { auth: 'session', roles: ['owner'] },
      schema: {
        tags: ADMIN_TAGS, summary: 'Erase a customer (GDPR)',
        description:
          'Removes the customer’s personal data everywhere (profile, reservation notes, history, waitlist, stored webhook events and ' +
          'idempotency records); the reservations stay, anonymous, in the statistics. Irreversible. Owners only.',
        params: customerParamsSchema, response: { 200: eraseResultSchema, ...errorResponses('customer_not_found') },
      },
    },
    async (req) => customers.erase(restaurantIdOf(req), req.params.id, actorOf(req)),
  );
};
