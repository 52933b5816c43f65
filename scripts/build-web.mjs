// Builds the browser bundles with Vite: every `<folder>/vite.config.ts` listed here that exists (the dashboard in web/,
// the booking widget in widget/), or only the configs given as arguments. Each writes into dist/, where the server
// serves the built files from.
import { existsSync } from 'node:fs';
import { build } from 'vite';

const configs = process.argv.slice(2).length ? process.argv.slice(2) : ['web/vite.config.ts', 'widget/vite.config.ts'];
for (const config of configs) {
  if (!existsSync(config)) continue;
  await build({ configFile: config, logLevel: process.env.CI ? 'warn' : 'info' });
}
