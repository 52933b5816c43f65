/**
 * The pre-rendered reference behind /docs and /docs/admin: Redoc's server-side render of the document as served (with
 * a curl example per operation), cut into parts so the page carries the sidebar and the overview, and each tag is
 * fetched when the reader gets near it (or jumps to it). Rendering takes seconds of CPU: it runs once per
 * document in a worker thread (render-worker.mjs), never on the event loop, and the result is kept in memory and, with
 * a cache directory, on disk for the next start (render-cache.ts).
 *
 * Why: a browser rendering Redoc from the JSON document (the standalone bundle) blocks its main thread for seconds
 * (Lighthouse: 6 s of Total Blocking Time on a 4× throttled CPU); the same markup as HTML, delivered part by part, is
 * painted as it arrives. The bundle is still served: the page loads it when the reader asks for what only Redoc's
 * scripts do (another response tab, a nested schema, search): see page.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { REDOC_OPTIONS } from './render-options.js';
import { fileIdentity, renderKey, type RenderCache } from './render-cache.js';

/** What render.mjs returns: the <style> elements styled-components collected, the markup of Redoc's root. */
export interface RenderedReference {
  css: string;
  html: string;
}

/** Replaced by the request's origin when served (the curl examples target the server the reader is on). */
export const ORIGIN_TOKEN = '__MAITRE_ORIGIN__';
/** What the curl examples say until a key is pasted in the page's box. */
export const KEY_PLACEHOLDER = '$MAITRE_KEY';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

type Operation = Record<string, any>;

function requestExample(op: Operation): unknown {
  const json = op.requestBody?.content?.['application/json'];
  if (!json) return undefined;
  if (json.example !== undefined) return json.example;
  const named = json.examples && Object.values(json.examples as Record<string, { value?: unknown }>)[0];
  if (named) return named.value;
  if (Array.isArray(json.schema?.examples) && json.schema.examples.length) return json.schema.examples[0];
  return {};
}

/** One curl command: the key header unless the operation needs none, an Idempotency-Key where honoured, the body. */
export function curlSample(path: string, method: (typeof METHODS)[number], op: Operation): string {
  const lines = [`curl${method === 'get' ? '' : ` -X ${method.toUpperCase()}`} "${ORIGIN_TOKEN}${path}"`];
  const open = Array.isArray(op.security) && op.security.length === 0;
  if (!open) lines.push(`  -H "Authorization: Bearer ${KEY_PLACEHOLDER}"`);
  if (op['x-idempotent']) lines.push('  -H "Idempotency-Key: $(uuidgen)"');
  const body = requestExample(op);
  if (body !== undefined) lines.push(`  -H 'Content-Type: application/json' -d '${JSON.stringify(body).replace(/'/g, "'\\''")}'`);
  return lines.join(' \\\n');
}

/** A copy of the document with a curl example (x-codeSamples) on every operation. */
export function withCurlSamples(document: Record<string, any>): Record<string, any> {
  const copy = structuredClone(document);
  for (const [path, item] of Object.entries<Record<string, Operation>>(copy.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) op['x-codeSamples'] = [{ lang: 'Shell', label: 'curl', source: curlSample(path, method, op) }];
    }
  }
  return copy;
}

export interface ReferencePart {
  /** The section ids (Redoc's data-section-id) in this part: a tag and its operations. */
  ids: string[];
  html: string;
}

export interface PrerenderedReference {
  /** SHA-256 prefix of the rendered markup: the parts' URLs carry it. */
  hash: string;
  css: string;
  /** Redoc's markup up to the first tag (sidebar, overview), then one placeholder per part, then the rest. */
  head: string;
  tail: string;
  /** One per tag, fetched by the page. */
  parts: ReferencePart[];
}

const DIV = /<(\/?)div\b[^>]*>/g;
const SECTION_ID = /^<div\b[^>]*\bdata-section-id="([^"]+)"/;

/**
 * Cuts Redoc's markup at its `api-content` element: the children before the first tag stay in the page (the overview,
 * with the authentication section), then every tag with its operations is a part. Works on React's own output, where
 * every <div> is closed; throws when the markup is not what Redoc renders (a Redoc upgrade), so the page falls back
 * to rendering in the browser instead of serving something broken.
 */
export function splitReference(rendered: RenderedReference): PrerenderedReference {
  const { html } = rendered;
  const open = /<div\b[^>]*\bclass="[^"]*\bapi-content\b[^"]*"[^>]*>/.exec(html);
  if (!open) throw new Error('Redoc markup: no api-content element');
  DIV.lastIndex = open.index + open[0].length;
  const children: { start: number; end: number; id?: string }[] = [];
  let depth = 0;
  let start = 0;
  let end = -1;
  for (let m = DIV.exec(html); m; m = DIV.exec(html)) {
    if (m[1] === '') {
      if (depth === 0) start = m.index;
      depth++;
    } else if (depth === 0) {
      end = m.index; // the closing tag of api-content
      break;
    } else if (--depth === 0) {
      const first = SECTION_ID.exec(html.slice(start, start + 400));
      children.push({ start, end: m.index + m[0].length, id: first?.[1] });
    }
  }
  if (end < 0 || children.length === 0) throw new Error('Redoc markup: api-content is not closed');
  const isTag = (id?: string) => id !== undefined && id.startsWith('tag/') && !id.includes('/operation/');
  const parts: ReferencePart[] = [];
  let overviewEnd = children[0]!.start;
  for (const child of children) {
    if (isTag(child.id)) parts.push({ ids: [], html: '' });
    const part = parts.at(-1);
    if (!part) {
      overviewEnd = child.end;
      continue;
    }
    if (child.id) part.ids.push(child.id);
    part.html += html.slice(child.start, child.end);
  }
  if (parts.length === 0) throw new Error('Redoc markup: no tag section');
  const head = html.slice(0, overviewEnd);
  const tail = html.slice(end);
  const hash = createHash('sha256').update(rendered.css).update(html).digest('hex').slice(0, 16);
  return { hash, css: rendered.css, head, tail, parts };
}

/**
 * Two fixes to Redoc's markup that axe-core asks for: its sub-headings (Authorizations, Request Body schema, Response
 * Schema…) are <h5> right under an operation's <h2>, so they become <h3> (their class sets the look, not the tag); and
 * the code blocks, which scroll sideways, are made focusable so a keyboard can scroll them.
 */
export function accessibleMarkup(html: string): string {
  return html.replace(/<(\/?)h5\b/g, '<$1h3').replace(/<pre\b(?![^>]*\btabindex=)/g, '<pre tabindex="0"');
}

/** dist/docs-ssr/redoc-ssr.mjs (built by `npm run build`), from <root>/src/modules/docs/ or <root>/dist/modules/docs/. */
export const BUILT_RENDERER = fileURLToPath(new URL('../../../dist/docs-ssr/redoc-ssr.mjs', import.meta.url));

/**
 * Renders the document (JSON text, as served) in a worker thread. Uses the bundled renderer when the build made one,
 * else render.mjs with node_modules (a checkout with its dev dependencies). Rejects when neither can run. Redoc's
 * options are the browser render's, with the header's height (3rem) as scrollYOffset, which the browser measures.
 */
export async function prerender(
  documentText: string,
  renderer = existsSync(BUILT_RENDERER) ? BUILT_RENDERER : null,
  cache?: RenderCache,
): Promise<PrerenderedReference> {
  const options = { ...REDOC_OPTIONS, scrollYOffset: 48 };
  const key = cache && (await cacheKey(documentText, options, renderer));
  const kept = key ? await cache!.get(key) : null;
  const rendered = kept ?? (await renderInWorker(withCurlSamples(JSON.parse(documentText)), options, renderer));
  const split = splitReference({ css: rendered.css, html: accessibleMarkup(rendered.html) });
  if (key && !kept) await cache!.set(key, rendered); // only a render the page can use
  return split;
}

/**
 * What a render depends on: the document, the options and the renderer — the bundle's bytes, or render.mjs's with
 * the version of the redoc package it imports. Null (no caching) when the renderer cannot be identified.
 */
async function cacheKey(documentText: string, options: object, renderer: string | null): Promise<string | null> {
  let identity: string | null;
  if (renderer) {
    identity = await fileIdentity(renderer);
  } else {
    let redocPackage: string | null = null;
    try {
      redocPackage = createRequire(import.meta.url).resolve('redoc/package.json');
    } catch {
      /* not installed: the render fails too */
    }
    const [source, redoc] = await Promise.all([
      fileIdentity(fileURLToPath(new URL('./render.mjs', import.meta.url))),
      redocPackage ? fileIdentity(redocPackage) : null,
    ]);
    identity = source && redoc && `${source}+${redoc}`;
  }
  return identity ? renderKey([documentText, JSON.stringify(options), identity]) : null;
}

function renderInWorker(document: Record<string, any>, options: Record<string, unknown>, renderer: string | null): Promise<RenderedReference> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./render-worker.mjs', import.meta.url), { workerData: { document, options, renderer } });
    let done = false;
    worker.once('message', (message: { ok: true; rendered: RenderedReference } | { ok: false; error: string }) => {
      done = true;
      if (!message.ok) return reject(new Error(message.error));
      resolve(message.rendered);
    });
    worker.once('error', (err) => {
      done = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the reference renderer exited with code ${code}`));
    });
  });
}
