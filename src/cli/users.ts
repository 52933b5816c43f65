/** `maitre user create --email E --restaurant S [--role owner]`, password from standard input. */
import { parseArgs } from 'node:util';
import { errors } from '../http/errors.js';
import { createUser } from '../modules/admin/users.js';
import { RestaurantService } from '../modules/restaurants/service.js';
import { print, required, UsageError } from './args.js';
import type { CliContext } from './io.js';

export async function userCommand({ db, io }: CliContext, sub: string | undefined, argv: string[]): Promise<void> {
  if (sub !== 'create') throw new UsageError('usage: maitre user create --email E --restaurant S [--role owner|manager|staff] < password');
  const { values } = parseArgs({
    args: argv,
    options: { email: { type: 'string' }, restaurant: { type: 'string' }, role: { type: 'string', default: 'owner' }, name: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const role = values.role as string;
  if (!['owner', 'manager', 'staff'].includes(role)) throw new UsageError('--role must be owner, manager or staff');
  const slug = required(values, 'restaurant');
  const email = required(values, 'email');
  if (io.stdinIsTTY) io.err('password (then Enter, Ctrl-D): ');
  const password = (await io.readStdin()).replace(/\r?\n$/, '');
  if (!password) throw new UsageError('give the password on standard input, e.g. `echo "$PASSWORD" | maitre user create …`');
  const restaurant = await new RestaurantService(db, () => {}).resolve(slug);
  if (!restaurant) throw errors.restaurantNotFound(slug);
  const user = await createUser(db, { email, password, name: values.name, restaurantId: restaurant.id, role: role as 'owner' });
  print(io, values.json ?? false, { id: user.id, email: user.email, restaurant: restaurant.slug, role }, `created ${user.email} (${role} of ${restaurant.slug})`);
}
