// Builds the bundles with Vite: every config listed here that exists (the dashboard in web/, the booking widget in
// widget/, the API reference's server-side renderer in scripts/redoc-ssr.vite.config.mjs), or only the configs given
// as arguments. Each writes into dist/, where the server serves (or, the renderer, runs) the built files from.
import { existsSync } from 'node:fs';
import { build } from 'vite';

const configs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['web/vite.config.ts', 'widget/vite.config.ts', 'scripts/redoc-ssr.vite.config.mjs'];
for (const config of configs) {
  if (!existsSync(config)) continue;
  await build({ configFile: config, logLevel: process.env.CI ? 'warn' : 'info' });
}
