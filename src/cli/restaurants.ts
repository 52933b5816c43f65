/** `maitre restaurant create|export`. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { errors } from '../http/errors.js';
import { parseRestaurantConfig } from '../modules/restaurants/config-schema.js';
import { demoConfig } from '../modules/restaurants/demo-config.js';
import { RestaurantService } from '../modules/restaurants/service.js';
import { print, required, UsageError } from './args.js';
import type { CliContext } from './io.js';

export class ConfigFileError extends Error {}

function loadConfigInput(argv: { config?: string; slug?: string; name?: string; demo?: boolean; timezone?: string; plan?: string }): unknown {
  if (argv.config) {
    let text: string;
    try {
      text = readFileSync(argv.config, 'utf8');
    } catch (err) {
      throw new ConfigFileError(`cannot read ${argv.config}: ${(err as Error).message}`);
    }
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ConfigFileError(`${argv.config} is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!argv.slug || !argv.name) throw new UsageError('usage: maitre restaurant create (--config FILE | --slug S --name N [--demo])');
  if (argv.demo) {
    const today = DateTime.now().setZone('Europe/Paris').toISODate()!;
    return { ...demoConfig(today), slug: argv.slug, name: argv.name };
  }
  return { slug: argv.slug, name: argv.name, timezone: argv.timezone ?? 'UTC', plan: argv.plan ?? 'business' };
}

export async function restaurantCommand({ db, io, actor }: CliContext, sub: string | undefined, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' }, demo: { type: 'boolean' },
      timezone: { type: 'string' }, plan: { type: 'string' }, json: { type: 'boolean', default: false },
    },
  });
  const service = new RestaurantService(db, () => {});
  switch (sub) {
    case 'create': {
      const parsed = parseRestaurantConfig(loadConfigInput(values));
      if (!parsed.ok) {
        throw new ConfigFileError(
          `the configuration is invalid:\n${parsed.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
        );
      }
      const created = await service.create(parsed.config, actor);
      print(io, values.json ?? false, created, `created restaurant ${parsed.config.slug} (${created.id})`);
      return;
    }
    case 'export': {
      const slug = positionals[0] ?? required(values, 'slug');
      const r = await service.resolve(slug);
      if (!r) throw errors.restaurantNotFound(slug);
      io.out(JSON.stringify(await service.exportConfig(r.id), null, 2) + '\n');
      return;
    }
    default:
      throw new UsageError('usage: maitre restaurant (create|export) …');
  }
}
