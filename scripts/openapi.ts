/**
 * `npm run openapi`: writes openapi.json (the public API document, exactly as GET /v1/openapi.json serves it).
 * `npm run openapi -- --check`: exits 1 when the committed file is stale (nothing written).
 * The app is built on a throw-away in-memory database: the document depends only on the routes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { PgliteDb } from '../src/db/pglite.js';
import { openapiDocument, serializeDocument } from '../src/http/openapi.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../openapi.json', import.meta.url));

export async function generateDocuments(): Promise<{ public: string; admin: string }> {
  const db = await PgliteDb.open();
  try {
    await migrate(db);
    const app = await buildApp({ config: { ...loadConfig({ MAITRE_DEMO: '0' }), logLevel: 'silent' }, db, logger: pino({ level: 'silent' }) });
    try {
      await app.ready();
      return { public: serializeDocument(openapiDocument(app, 'public')), admin: serializeDocument(openapiDocument(app, 'admin')) };
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { public: doc } = await generateDocuments();
  let current = '';
  try {
    current = readFileSync(OPENAPI_FILE, 'utf8');
  } catch {
    /* not written yet */
  }
  if (process.argv.includes('--check')) {
    if (current !== doc) {
      console.error('openapi.json is out of date: run `npm run openapi` and commit it.');
      process.exit(1);
    }
    console.log('openapi.json is up to date.');
  } else {
    writeFileSync(OPENAPI_FILE, doc);
    console.log(current === doc ? 'openapi.json unchanged.' : 'openapi.json written.');
  }
}
