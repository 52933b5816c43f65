/** `maitre customer export ID` and `maitre customer erase ID --yes` (GDPR access and erasure requests). */
import { parseArgs } from 'node:util';
import { errors } from '../http/errors.js';
import { restaurantOfCustomer } from '../modules/customers/queries.js';
import { messageDefaults } from '../modules/notifications/links.js';
import { createBookingServices } from '../modules/reservations/setup.js';
import { print, UsageError } from './args.js';
import type { CliContext } from './io.js';

export async function customerCommand({ db, io, config, actor }: CliContext, sub: string | undefined, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { yes: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const { customers } = createBookingServices(db, Date.now, messageDefaults(config)); // erasure cancels: emails
  const id = positionals[0];
  switch (sub) {
    case 'export': {
      if (!id) throw new UsageError('usage: maitre customer export ID');
      const restaurantId = await restaurantOfCustomer(db, id);
      if (!restaurantId) throw errors.customerNotFound(id);
      // Always JSON: the export is a document, meant to be handed over as is.
      io.out(`${JSON.stringify(await customers.export(restaurantId, id, actor), null, 2)}\n`);
      return;
    }
    case 'erase': {
      if (!id) throw new UsageError('usage: maitre customer erase ID --yes');
      const restaurantId = await restaurantOfCustomer(db, id);
      if (!restaurantId) throw errors.customerNotFound(id);
      if (!values.yes) {
        throw new UsageError(
          `erasing ${id} removes the customer's personal data for good (reservations stay, anonymous); run it again with --yes`,
        );
      }
      const summary = await customers.erase(restaurantId, id, actor);
      print(io, values.json ?? false, summary, `erased ${id}: ${summary.reservations} reservation(s) kept anonymous, ` +
        `${summary.waitlistEntriesCancelled} waitlist entr${summary.waitlistEntriesCancelled === 1 ? 'y' : 'ies'} cancelled, ` +
        `${summary.snapshotsRedacted} stored event(s)/record(s) redacted`);
      return;
    }
    default:
      throw new UsageError('usage: maitre customer (export ID | erase ID --yes [--json])');
  }
}
