/**
 * GET /: a small page that says what this server is and links what a new user looks for — the dashboard, the booking
 * demo, the API reference, the OpenAPI documents and the health checks. No script; its one inline stylesheet is
 * allowed by its hash in the CSP.
 */
import { createHash } from 'node:crypto';
import { FAVICON_LINK } from './favicon.js';

const STYLE = `body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1d1d1f;background:#faf7f5}
main{max-width:40rem;margin:0 auto;padding:3rem 1.25rem}
h1{display:flex;align-items:center;gap:.6rem;margin:0 0 .25rem;font-size:2rem}h1 img{width:2.2rem;height:2.2rem}
p{margin:.25rem 0 1.5rem;color:#4a4a4f}ul{list-style:none;margin:0;padding:0}
li{margin:0 0 .75rem;padding:.75rem 1rem;background:#fff;border:1px solid #e6dfdb;border-radius:.5rem}
a{color:#7a2e3a;font-weight:600}span{display:block;color:#4a4a4f;font-size:.9rem}
@media (prefers-color-scheme:dark){body{color:#f2f2f2;background:#19161a}p,span{color:#c9c4c6}
li{background:#241f25;border-color:#3a3238}a{color:#f0a3b1}}`;

export const HOME_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Link {
  href: string;
  label: string;
  what: string;
}

export function homeHtml(opts: { demo: boolean; version: string }): string {
  const links: Link[] = [
    { href: '/dashboard/', label: 'Dashboard', what: 'Sign in to manage keys, webhooks, tonight’s floor, guests and settings.' },
    ...(opts.demo ? [{ href: '/demo', label: 'Booking demo', what: 'A sample restaurant page with the booking widget.' }] : []),
    { href: '/docs', label: 'API reference', what: 'Every operation of the public and admin APIs, with examples.' },
    { href: '/v1/openapi.json', label: 'OpenAPI document', what: 'The public API as OpenAPI 3.1 (the admin API: /admin/api/openapi.json).' },
    { href: '/healthz', label: 'Health', what: 'Liveness; /readyz also checks the database.' },
  ];
  const items = links.map((l) => `<li><a href="${l.href}">${l.label}</a><span>${l.what}</span></li>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="Maitre, a self-hosted restaurant reservation platform: dashboard, booking widget and API.">
<meta name="color-scheme" content="light dark">
<title>Maitre</title>
${FAVICON_LINK}
<style>${STYLE}</style>
</head>
<body>
<main>
<h1><img src="/favicon.svg" alt="">Maitre</h1>
<p>Restaurant reservations, self-hosted. This server (version ${opts.version}) is running.</p>
<ul>
${items}
</ul>
</main>
</body>
</html>
`;
}
