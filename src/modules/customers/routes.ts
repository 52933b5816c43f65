/** The customer endpoints of the public API: thin handlers over CustomerService. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { withIdempotency } from '../../http/idempotency.js';
import { errorResponses } from '../../http/openapi.js';
import { restaurantParamsSchema } from '../availability/schemas.js';
import {
  createCustomerBodySchema, customerListSchema, customerParamsSchema, customerProfileSchema, listCustomersQuerySchema, updateCustomerBodySchema,
} from './schemas.js';
import { restaurantIdOf } from '../../http/context.js';

const tags = ['Customers'];
/** The default source recorded with a marketing consent given through the API. */
const CHANNEL = 'api';

export const customerRoutes: FastifyPluginAsyncZod = async (app) => {
  const customers = app.services.customers;

  app.get(
    '/customers',
    {
      config: { scope: 'customers:read' },
      schema: {
        operationId: 'listCustomers',
        summary: 'Search customers',
        description:
          '`q` matches part of the name (any case), of the email, or of the phone number; `email` and `phone` match exactly (normalised: ' +
          'any case, any phone format with its country code); `tag`. Oldest first, paginated. Erased customers never appear.',
        tags, params: restaurantParamsSchema, querystring: listCustomersQuerySchema, response: { 200: customerListSchema },
      },
    },
    async (req) => customers.list(restaurantIdOf(req), req.query),
  );

  app.post(
    '/customers',
    {
      config: { scope: 'customers:write', idempotent: true },
      schema: {
        operationId: 'upsertCustomer',
        summary: 'Create a customer, or update the one with the same email or phone',
        description:
          'No customer has this email (or, failing that, this phone): one is created, 201. Otherwise that customer is updated with ' +
          'the fields sent, 200. Setting an email or phone another customer has: 409 conflict.',
        tags, params: restaurantParamsSchema, body: createCustomerBodySchema,
        response: { 200: customerProfileSchema, 201: customerProfileSchema, ...errorResponses('conflict') },
      },
    },
    async (req, reply) =>
      withIdempotency(req, reply, async (tx) => {
        const { created, profile } = await customers.upsert(restaurantIdOf(req), req.body, CHANNEL, tx);
        return { status: created ? 201 : 200, body: profile };
      }),
  );

  app.get(
    '/customers/:id',
    {
      config: { scope: 'customers:read' },
      schema: {
        operationId: 'getCustomer',
        summary: 'A customer profile',
        description: 'With tags, notes, marketing consent, visit statistics and the most recent reservations.',
        tags, params: customerParamsSchema, response: { 200: customerProfileSchema, ...errorResponses('customer_not_found') },
      },
    },
    async (req) => customers.get(restaurantIdOf(req), req.params.id),
  );

  app.patch(
    '/customers/:id',
    {
      config: { scope: 'customers:write' },
      schema: {
        operationId: 'updateCustomer',
        summary: 'Change a customer',
        description: 'Name, email, phone, tags (the whole list), notes, marketing consent (a change records its time and source).',
        tags, params: customerParamsSchema, body: updateCustomerBodySchema,
        response: { 200: customerProfileSchema, ...errorResponses('customer_not_found', 'conflict') },
      },
    },
    async (req) => customers.update(restaurantIdOf(req), req.params.id, req.body, CHANNEL),
  );
};
