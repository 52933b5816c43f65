/** `customer.created` / `customer.updated` webhook events, written with the change's own transaction (the outbox). */
import type { Queryable } from '../../db/types.js';
import { enqueueEvent, type EventInput } from '../webhooks/outbox.js';
import { findCustomer, type CustomerView } from './queries.js';

/**
 * Enqueues the customer as the API shows it (the customer view, without stats or history); read unless given. With
 * `deferred`, the event is added there instead, for the caller to write later in the same transaction.
 */
export async function announceCustomer(
  tx: Queryable,
  restaurantId: string,
  id: string,
  type: 'customer.created' | 'customer.updated',
  known?: CustomerView,
  deferred?: EventInput[],
): Promise<void> {
  const view = known ?? (await findCustomer(tx, restaurantId, id, { includeErased: true }));
  if (!view) throw new Error(`customer ${id} vanished inside its own transaction`);
  const event: EventInput = { restaurantId, type, data: view };
  if (deferred) deferred.push(event);
  else await enqueueEvent(tx, event);
}
