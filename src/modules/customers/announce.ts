/** `customer.created` / `customer.updated` webhook events, written with the change's own transaction (the outbox). */
import type { Queryable } from '../../db/types.js';
import { enqueueEvent } from '../webhooks/outbox.js';
import { findCustomer, type CustomerView } from './queries.js';

/** Enqueues the customer as the API shows it (the customer view, without stats or history); read unless given. */
export async function announceCustomer(
  tx: Queryable,
  restaurantId: string,
  id: string,
  type: 'customer.created' | 'customer.updated',
  known?: CustomerView,
): Promise<void> {
  const view = known ?? (await findCustomer(tx, restaurantId, id, { includeErased: true }));
  if (!view) throw new Error(`customer ${id} vanished inside its own transaction`);
  await enqueueEvent(tx, { restaurantId, type, data: view });
}
