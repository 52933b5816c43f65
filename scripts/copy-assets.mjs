// Copies non-TypeScript assets next to the compiled JavaScript: the SQL migrations (a mirror, so a migration renamed or
// removed in src/ does not linger in dist/: the migrator refuses a numbering gap or duplicate), and Redoc's standalone
// bundle with its licence (dist/docs: /docs serves it; `redoc` is a dev dependency, so production needs no copy of it).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
rmSync('dist/db/migrations', { recursive: true, force: true });
cpSync('src/db/migrations', 'dist/db/migrations', { recursive: true });

const redoc = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
rmSync('dist/docs', { recursive: true, force: true });
mkdirSync('dist/docs', { recursive: true });
for (const file of ['redoc.standalone.js', 'redoc.standalone.js.LICENSE.txt']) cpSync(join(dirname(redoc), file), join('dist/docs', file));
cpSync(join(dirname(redoc), '..', 'LICENSE'), 'dist/docs/redoc.LICENSE');

// The reference's server-side renderer runs in a worker thread from plain JavaScript files (src/modules/docs/*.mjs):
// tsc does not compile them, so they are copied beside the compiled module.
for (const file of ['render.mjs', 'render-worker.mjs']) cpSync(join('src/modules/docs', file), join('dist/modules/docs', file));
