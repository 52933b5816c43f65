/**
 * The API reference pages: Redoc's standalone bundle (the `redoc` package, copied into dist/docs by the build),
 * served by this server under a hashed URL (no CDN, works offline, cached for good), with Maitre's header. /docs is the
 * public API, /docs/admin the admin API. A strict Content-Security-Policy makes sure nothing is loaded from anywhere
 * else; Redoc needs inline styles (styled-components) and a blob: worker (its search index).
 */
import { FAVICON_LINK } from '../home/favicon.js';

export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export type DocsKind = 'public' | 'admin';

const TITLES: Record<DocsKind, string> = { public: 'Maitre API reference', admin: 'Maitre admin API reference' };
const SPECS: Record<DocsKind, string> = { public: '/v1/openapi.json', admin: '/admin/api/openapi.json' };

const STYLE = `body{margin:0}
.mtr-bar{position:sticky;top:0;z-index:10;display:flex;align-items:center;gap:1rem;height:3rem;padding:0 1rem;
  background:#7a2e3a;color:#fff;font:600 1rem/1 system-ui,sans-serif}
.mtr-bar img{width:1.6rem;height:1.6rem}.mtr-bar strong{margin-right:auto}
.mtr-bar a{color:#fff;text-decoration:none;font-weight:500;padding:.35rem .6rem;border-radius:.3rem}
.mtr-bar a[aria-current=page]{background:rgba(255,255,255,.2)}
.mtr-bar a:focus-visible{outline:2px solid #fff}
#mtr-loading{padding:2rem 1rem;font:1rem system-ui,sans-serif}`;

export function docsHtml(kind: DocsKind, bundleUrl: string): string {
  const link = (k: DocsKind, label: string) =>
    `<a href="${k === 'public' ? '/docs' : '/docs/admin'}"${k === kind ? ' aria-current="page"' : ''}>${label}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="${kind === 'public' ? 'Reference of the Maitre booking API: availability, reservations, customers, waitlist, webhooks.' : 'Reference of the Maitre admin API behind the dashboard.'}">
<title>${TITLES[kind]}</title>
${FAVICON_LINK}
<link rel="preload" href="${SPECS[kind]}" as="fetch" crossorigin>
<style>${STYLE}</style>
</head>
<body data-spec="${SPECS[kind]}">
<header class="mtr-bar"><img src="/favicon.svg" alt=""><strong>${TITLES[kind]}</strong>
<nav aria-label="API">${link('public', 'Public API')}${link('admin', 'Admin API')}<a href="/">Home</a></nav></header>
<main id="mtr-docs"><p id="mtr-loading">Loading the reference…</p></main>
<script src="${bundleUrl}" defer></script>
<script src="/docs/init.js" defer></script>
</body>
</html>
`;
}

/** Starts Redoc on the page's document (data-spec), below the sticky header, in Maitre's colours. */
export const DOCS_INIT_JS = `'use strict';
(function () {
  var root = document.getElementById('mtr-docs');
  var bar = document.querySelector('.mtr-bar');
  window.Redoc.init(document.body.dataset.spec, {
    scrollYOffset: bar,
    hideHostname: true,
    nativeScrollbars: true,
    expandResponses: '200,201',
    requiredPropsFirst: true,
    hideSchemaTitles: true,
    jsonSampleExpandLevel: 3,
    theme: {
      colors: { primary: { main: '#7a2e3a' } },
      typography: { fontFamily: 'system-ui, sans-serif', headings: { fontFamily: 'system-ui, sans-serif' }, code: { fontFamily: 'ui-monospace, monospace' } },
      sidebar: { width: '280px' }
    }
  }, root);
})();
`;
