/**
 * Worker thread of prerender.ts: renders one document with Redoc's server-side rendering and posts the markup back.
 * workerData: { document, options, renderer }: renderer is the bundled dist/docs-ssr/redoc-ssr.mjs, or null for
 * render.mjs beside this file (a checkout with its dev dependencies).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const { document, options, renderer } = workerData;
try {
  const { renderReference } = await import(renderer ? pathToFileURL(renderer).href : new URL('./render.mjs', import.meta.url).href);
  parentPort.postMessage({ ok: true, rendered: await renderReference(document, options) });
} catch (err) {
  parentPort.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
}
