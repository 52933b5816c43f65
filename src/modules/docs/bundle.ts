/**
 * Redoc's standalone bundle: dist/docs/redoc.standalone.js (copied there by `npm run build` from the `redoc` dev
 * dependency), or, when running from the sources without a build, the package's own file. Read once; served under a
 * URL carrying its hash, so it can be cached for good. One change: the sidebar's "API docs by Redocly" link shows a
 * logo from Redocly's CDN; the page loads nothing from another host, so that image becomes an empty data: URL (the
 * bundle then hides it, and the link stays).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** <root>/dist/docs/redoc.standalone.js, from <root>/src/modules/docs/ or <root>/dist/modules/docs/. */
export const BUILT_BUNDLE = fileURLToPath(new URL('../../../dist/docs/redoc.standalone.js', import.meta.url));

/** The one remote resource of the bundle (redoc 2.5.4). */
export const REMOTE_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';

export interface DocsBundle {
  body: Buffer;
  /** The URL the page loads it from: /docs/assets/redoc.<hash>.js. */
  url: string;
}

function packageBundle(): string | null {
  try {
    return createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  } catch {
    return null;
  }
}

const loaded = new Map<string, DocsBundle>();

export function loadDocsBundle(path?: string): DocsBundle | null {
  const file = path ?? (existsSync(BUILT_BUNDLE) ? BUILT_BUNDLE : packageBundle());
  if (file === null || !existsSync(file)) return null;
  // Read once per process (about a megabyte, read and hashed): every app built in it serves the same bytes.
  let bundle = loaded.get(file);
  if (!bundle) {
    const body = Buffer.from(readFileSync(file, 'utf8').replaceAll(REMOTE_LOGO, 'data:,'));
    bundle = { body, url: `/docs/assets/redoc.${createHash('sha256').update(body).digest('hex').slice(0, 16)}.js` };
    loaded.set(file, bundle);
  }
  return bundle;
}
