/**
 * Redoc's own server-side rendering of an OpenAPI document: the React components the standalone bundle renders in the
 * browser, rendered to HTML once (react-dom/server), with the CSS styled-components collects on the way — what
 * @redocly/cli `build-docs` does. prerender.ts serves the HTML without the hydration script.
 *
 * Plain JavaScript on purpose: React's type declarations would add their DOM stand-ins to the server's type scope.
 * `npm run build` bundles this file and its dependencies (Vite, scripts/redoc-ssr.vite.config.mjs) into
 * dist/docs-ssr/redoc-ssr.mjs, so a production install (no dev dependencies) renders too; from a checkout it runs as is.
 * CPU-heavy (seconds): only ever called in a worker thread (render-worker.mjs).
 */
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { ServerStyleSheet } from 'styled-components';
import * as redocModule from 'redoc/bundles/redoc.lib.js';

/**
 * @param {object} document the OpenAPI document
 * @param {object} options Redoc's options
 * @returns {Promise<{ css: string, html: string }>} the <style> elements and the markup of Redoc's root element
 */
export async function renderReference(document, options) {
  // A CommonJS bundle: its exports are the namespace's default under Node, the namespace itself in Vite's bundle.
  const { createStore, Redoc } = redocModule.default ?? redocModule;
  const store = await createStore(document, undefined, options);
  const sheet = new ServerStyleSheet();
  try {
    const html = renderToString(sheet.collectStyles(createElement(Redoc, { store })));
    return { css: sheet.getStyleTags(), html };
  } finally {
    sheet.seal();
  }
}
