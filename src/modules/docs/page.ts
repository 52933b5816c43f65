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
#mtr-loading{padding:2rem 1rem;font:1rem system-ui,sans-serif}
.mtr-key{display:flex;align-items:center;gap:.4rem;font-weight:500;font-size:.85rem}
.mtr-key input{width:16rem;padding:.3rem .4rem;border:0;border-radius:.3rem;font:inherit}
.mtr-key button{padding:.3rem .6rem;border:1px solid #fff;border-radius:.3rem;background:transparent;color:#fff;font:inherit;cursor:pointer}
.mtr-key input:focus-visible,.mtr-key button:focus-visible{outline:2px solid #fff;outline-offset:1px}
@media (max-width:900px){.mtr-key{display:none}}`;

/**
 * The public page's key box: a key pasted there stays in this tab (sessionStorage) and only fills the curl examples of
 * every operation (`Authorization: Bearer …`); the page never sends it anywhere.
 */
const KEY_FORM = `<form class="mtr-key" id="mtr-key"><label for="mtr-key-input">API key</label>
<input id="mtr-key-input" type="password" autocomplete="off" spellcheck="false" placeholder="mtr_live_… (stays in this tab)">
<button type="submit">Use in examples</button><button type="button" id="mtr-key-forget">Forget</button></form>`;

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
${kind === 'public' ? KEY_FORM : ''}
<nav aria-label="API">${link('public', 'Public API')}${link('admin', 'Admin API')}<a href="/">Home</a></nav></header>
<main id="mtr-docs"><p id="mtr-loading">Loading the reference…</p></main>
<script src="${bundleUrl}" defer></script>
<script src="/docs/init.js" defer></script>
</body>
</html>
`;
}

/**
 * Starts Redoc on the page's document (data-spec), below the sticky header, in Maitre's colours. On the public page
 * every operation gets a curl example (x-codeSamples) for this server, with the key pasted in the header's box, or
 * $MAITRE_KEY until one is; pasting or forgetting a key renders the reference again.
 */
export const DOCS_INIT_JS = `'use strict';
(function () {
  var root = document.getElementById('mtr-docs');
  var bar = document.querySelector('.mtr-bar');
  var form = document.getElementById('mtr-key');
  var STORE = 'maitre-docs-key';
  var METHODS = ['get', 'post', 'put', 'patch', 'delete'];
  var options = {
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
  };
  function storedKey() {
    try { return sessionStorage.getItem(STORE) || ''; } catch (e) { return ''; }
  }
  function example(op) {
    var json = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
    if (!json) return undefined;
    if (json.example !== undefined) return json.example;
    if (json.examples) { for (var name in json.examples) return json.examples[name].value; }
    if (json.schema && json.schema.examples && json.schema.examples.length) return json.schema.examples[0];
    return {};
  }
  function curl(path, method, op, key) {
    var lines = ['curl' + (method === 'get' ? '' : ' -X ' + method.toUpperCase()) + ' "' + location.origin + path + '"'];
    var open = Array.isArray(op.security) && op.security.length === 0;
    if (!open) lines.push('  -H "Authorization: Bearer ' + (key || '$MAITRE_KEY') + '"');
    if (op['x-idempotent']) lines.push('  -H "Idempotency-Key: $(uuidgen)"');
    var body = example(op);
    if (body !== undefined) lines.push("  -H 'Content-Type: application/json' -d '" + JSON.stringify(body).replace(/'/g, "'\\\\''") + "'");
    return lines.join(' \\\\\\n');
  }
  function withSamples(spec, key) {
    var copy = JSON.parse(JSON.stringify(spec));
    Object.keys(copy.paths || {}).forEach(function (path) {
      METHODS.forEach(function (method) {
        var op = copy.paths[path][method];
        if (op) op['x-codeSamples'] = [{ lang: 'Shell', label: 'curl', source: curl(path, method, op, key) }];
      });
    });
    return copy;
  }
  function render(spec) {
    window.Redoc.init(form ? withSamples(spec, storedKey()) : spec, options, root);
  }
  fetch(document.body.dataset.spec, { credentials: 'same-origin' })
    .then(function (r) { return r.json(); })
    .then(function (spec) {
      render(spec);
      if (!form) return;
      var input = document.getElementById('mtr-key-input');
      input.value = storedKey();
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        try { sessionStorage.setItem(STORE, input.value.trim()); } catch (err) { /* storage off: this render only */ }
        render(spec);
      });
      document.getElementById('mtr-key-forget').addEventListener('click', function () {
        try { sessionStorage.removeItem(STORE); } catch (err) { /* nothing kept */ }
        input.value = '';
        render(spec);
      });
    });
})();`;
