/**
 * The API reference pages: Redoc's standalone bundle (the `redoc` package, copied into dist/docs by the build),
 * served by this server under a hashed URL (no CDN, works offline, cached for good), with Maitre's header. /docs is the
 * public API, /docs/admin the admin API. A strict Content-Security-Policy makes sure nothing is loaded from anywhere
 * else; Redoc needs inline styles (styled-components) and a blob: worker (its search index).
 */
import { FAVICON_LINK } from '../home/favicon.js';
import { REDOC_OPTIONS } from './render-options.js';

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
[data-render=server] .menu-content{top:3rem!important;height:calc(100vh - 3rem)!important}
[data-section-id]{content-visibility:auto;contain-intrinsic-size:auto 900px}
.mtr-part{min-height:100vh;padding:2rem 40px;font:1rem system-ui,sans-serif}
#mtr-status{position:fixed;bottom:1rem;right:1rem;z-index:20;margin:0;padding:.6rem 1rem;border-radius:.3rem;background:#222;color:#fff;font:.9rem system-ui,sans-serif}
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

export interface PageParts {
  /** Where the page loads Redoc's bundle from when it renders in the browser. */
  bundleUrl: string;
  /** The document with its curl examples, for the browser render: /docs/reference/<kind>.json. */
  referenceUrl: string;
  /** The pre-rendered reference (its CSS and markup, placeholders included), or null: Redoc renders in the browser. */
  prerendered: { css: string; markup: string } | null;
}

export function docsHtml(kind: DocsKind, parts: PageParts): string {
  const link = (k: DocsKind, label: string) =>
    `<a href="${k === 'public' ? '/docs' : '/docs/admin'}"${k === kind ? ' aria-current="page"' : ''}>${label}</a>`;
  const pre = parts.prerendered;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="${kind === 'public' ? 'Reference of the Maitre booking API: availability, reservations, customers, waitlist, webhooks.' : 'Reference of the Maitre admin API behind the dashboard.'}">
<title>${TITLES[kind]}</title>
${FAVICON_LINK}
${pre ? '' : `<link rel="preload" href="${parts.referenceUrl}" as="fetch" crossorigin>\n`}<style>${STYLE}</style>
${pre ? pre.css : ''}
</head>
<body data-reference="${parts.referenceUrl}" data-bundle="${parts.bundleUrl}" data-render="${pre ? 'server' : 'browser'}">
<header class="mtr-bar"><img src="/favicon.svg" alt=""><strong>${TITLES[kind]}</strong>
${kind === 'public' ? KEY_FORM : ''}
<nav aria-label="API">${link('public', 'Public API')}${link('admin', 'Admin API')}<a href="/">Home</a></nav></header>
<main id="mtr-docs">${pre ? pre.markup : '<p id="mtr-loading">Loading the reference…</p>'}</main>
<p id="mtr-status" role="status" hidden></p>
<script src="/docs/init.js" defer></script>
</body>
</html>
`;
}

/** A part not fetched yet: its place in the page, with a link that works without scripts. */
export function partPlaceholder(url: string, ids: string[], title: string): string {
  return `<div class="mtr-part" data-part="${url}" data-ids="${ids.join(' ')}"><p><a href="${url}">${escapeHtml(title)}</a></p></div>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page's script (no dependency, a few kB), for both ways the reference reaches the page:
 * - data-render="server": the reference is in the HTML. Further tags (placeholders, .mtr-part) are fetched when the
 *   reader scrolls near them or jumps to them (sidebar, #hash); the sidebar scrolls to its sections; the pasted key
 *   replaces $MAITRE_KEY in the curl examples. What only Redoc's scripts do (another tab, a collapsed response or
 *   schema, the search box, copy) loads Redoc's bundle and renders the reference with it, at the same section.
 * - data-render="browser" (no pre-render yet): Redoc renders at once.
 * Either way Redoc renders the document with its curl examples (/docs/reference/<kind>.json), the key put in.
 */
export const DOCS_INIT_JS = `'use strict';
(function () {
  var body = document.body;
  var root = document.getElementById('mtr-docs');
  var bar = document.querySelector('.mtr-bar');
  var form = document.getElementById('mtr-key');
  var status = document.getElementById('mtr-status');
  var STORE = 'maitre-docs-key';
  var PLACEHOLDER = '$MAITRE_KEY';
  var options = ${JSON.stringify(REDOC_OPTIONS)};
  options.scrollYOffset = bar;
  var keyed = [];
  var redoc = null;
  var reference = null;
  var memoryKey = '';
  function storedKey() {
    try { return sessionStorage.getItem(STORE) || ''; } catch (e) { return memoryKey; }
  }
  function collect(scope) {
    var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeValue.indexOf(PLACEHOLDER) >= 0) keyed.push({ node: node, text: node.nodeValue });
    }
  }
  function applyKey() {
    var key = storedKey();
    keyed.forEach(function (k) { k.node.nodeValue = key ? k.text.split(PLACEHOLDER).join(key) : k.text; });
  }
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src; s.onload = resolve; s.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }
  function say(text) { status.textContent = text; status.hidden = !text; }
  function render(done) {
    var key = storedKey();
    var spec = JSON.parse(JSON.stringify(reference));
    Object.keys(spec.paths || {}).forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        (spec.paths[path][method]['x-codeSamples'] || []).forEach(function (s) {
          if (key) s.source = s.source.split(PLACEHOLDER).join(key);
        });
      });
    });
    window.Redoc.init(spec, options, root, done);
  }
  // Redoc's own render (bundle + document), once; 'at' is the section to show after it.
  function interactive(at) {
    if (!redoc) {
      say('Loading the interactive reference…');
      redoc = Promise.all([
        loadScript(body.dataset.bundle),
        fetch(body.dataset.reference, { credentials: 'same-origin' }).then(function (r) { return r.json(); })
      ]).then(function (loaded) {
        reference = loaded[1];
        if (at) history.replaceState(null, '', '#' + at);
        return new Promise(function (resolve) { render(resolve); });
      }).then(function () { say(''); }, function (err) { say('The interactive reference could not load: ' + err.message); });
    }
    return redoc;
  }
  // --- the pre-rendered reference ---
  var loads = {};
  function loadPart(el) {
    var url = el.dataset.part;
    if (!loads[url]) {
      loads[url] = fetch(url, { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok) throw new Error(url + ': ' + r.status);
        return r.text();
      }).then(function (html) {
        var t = document.createElement('template');
        t.innerHTML = html;
        collect(t.content);
        el.replaceWith(t.content);
        applyKey();
      });
    }
    return loads[url];
  }
  function partOf(id) {
    var parts = root.querySelectorAll('.mtr-part');
    for (var i = 0; i < parts.length; i++) if ((' ' + parts[i].dataset.ids + ' ').indexOf(' ' + id + ' ') >= 0) return parts[i];
    return null;
  }
  function go(id) {
    var el = document.getElementById(id);
    if (!el) {
      var part = partOf(id);
      return part ? loadPart(part).then(function () { go(id); }) : Promise.resolve();
    }
    el.scrollIntoView();
    if (location.hash !== '#' + id) history.pushState(null, '', '#' + id);
    return Promise.resolve();
  }
  function sectionOf(el) {
    var s = el.closest('[data-section-id]');
    return s ? s.getAttribute('data-section-id') : '';
  }
  function serverRendered() {
    collect(root);
    applyKey();
    if ('IntersectionObserver' in window) {
      var seen = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) { if (e.isIntersecting) { seen.unobserve(e.target); loadPart(e.target); } });
      }, { rootMargin: '100% 0px' });
      root.querySelectorAll('.mtr-part').forEach(function (p) { seen.observe(p); });
    }
    if (location.hash.length > 1) go(decodeURIComponent(location.hash.slice(1)));
    window.addEventListener('hashchange', function () { if (!reference) go(decodeURIComponent(location.hash.slice(1))); });
    root.addEventListener('click', function (e) {
      if (reference) return;
      var t = e.target;
      var part = t.closest('.mtr-part a');
      if (part) { e.preventDefault(); loadPart(part.closest('.mtr-part')); return; }
      var item = t.closest('li[data-item-id]');
      if (item) {
        e.preventDefault();
        var list = item.querySelector(':scope > ul');
        if (list) {
          var open = item.getAttribute('aria-expanded') !== 'true';
          item.setAttribute('aria-expanded', String(open));
          list.style.display = open ? 'block' : '';
        }
        go(item.getAttribute('data-item-id'));
        return;
      }
      var tab = t.closest('[role=tab]');
      if ((tab && tab.getAttribute('aria-selected') !== 'true') || (!tab && t.closest('button'))) {
        e.preventDefault();
        interactive(sectionOf(t));
      }
    });
    root.addEventListener('focusin', function (e) {
      if (!reference && e.target.closest('[role=search]')) interactive('');
    });
  }
  if (body.dataset.render === 'server') serverRendered(); else interactive('');
  if (!form) return;
  var input = document.getElementById('mtr-key-input');
  input.value = storedKey();
  function rerender() { if (reference) render(); else applyKey(); }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    memoryKey = input.value.trim();
    try { sessionStorage.setItem(STORE, memoryKey); } catch (err) { /* storage off: this page only */ }
    rerender();
  });
  document.getElementById('mtr-key-forget').addEventListener('click', function () {
    memoryKey = '';
    try { sessionStorage.removeItem(STORE); } catch (err) { /* nothing kept */ }
    input.value = '';
    rerender();
  });
})();`;
