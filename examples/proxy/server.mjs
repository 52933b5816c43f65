// The recommended way to put the Maitre booking widget on a restaurant's website: this small server (node:http, no
// dependencies) serves the page and forwards ONLY the widget's calls to Maitre, adding the API key from its
// environment, so the key never reaches a browser. See README.md.
//   MAITRE_URL=https://maitre.example.com MAITRE_API_KEY=mtr_live_… MAITRE_RESTAURANT=demo PORT=8080 node server.mjs
import http from 'node:http';
import { readFile } from 'node:fs/promises';

const MAITRE_URL = (process.env.MAITRE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const KEY = process.env.MAITRE_API_KEY;
const RESTAURANT = process.env.MAITRE_RESTAURANT ?? 'demo';
if (!KEY) {
  console.error('Set MAITRE_API_KEY (a key with availability:read and reservations:write only).');
  process.exit(1);
}
const base = `/v1/restaurants/${encodeURIComponent(RESTAURANT)}`;
// The only calls forwarded: [method, path] (the widget's routes, for this restaurant only).
const ALLOWED = [['GET', `${base}/availability`], ['GET', `${base}/hours`], ['POST', `${base}/reservations`], ['POST', `${base}/guest/lookup`],
  ['POST', `${base}/guest/cancel`], ['POST', `${base}/guest/reschedule`]];
const PASS_BACK = ['content-type', 'retry-after', 'idempotent-replayed', 'x-request-id'];
const page = (await readFile(new URL('./public/index.html', import.meta.url), 'utf8')).replaceAll('{{restaurant}}', RESTAURANT);

async function readBody(req, limit = 65_536) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    if ((size += chunk.length) > limit) throw Object.assign(new Error('too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function forward(req, res, path, query) {
  const headers = { 'x-api-key': KEY, accept: 'application/json' };
  for (const name of ['content-type', 'idempotency-key']) if (req.headers[name]) headers[name] = req.headers[name];
  // The guest's address, so Maitre's per-IP limits see the visitor (set MAITRE_TRUST_PROXY=1 on Maitre).
  headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  const upstream = await fetch(MAITRE_URL + path + query, {
    method: req.method, headers, body: req.method === 'POST' ? await readBody(req) : undefined, signal: AbortSignal.timeout(15_000),
  });
  const out = { 'cache-control': 'no-store' };
  for (const name of PASS_BACK) if (upstream.headers.has(name)) out[name] = upstream.headers.get(name);
  res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  try {
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'" }).end(page);
    } else if (req.method === 'GET' && url.pathname === '/widget.js') {
      const js = await fetch(`${MAITRE_URL}/widget.js`, { signal: AbortSignal.timeout(15_000) });
      res.writeHead(js.status, { 'content-type': js.headers.get('content-type') ?? 'text/javascript', 'cache-control': 'public, max-age=300' });
      res.end(Buffer.from(await js.arrayBuffer()));
    } else if (ALLOWED.some(([m, p]) => m === req.method && p === url.pathname)) {
      await forward(req, res, url.pathname, url.search);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'Not a widget route.', details: {} } }));
    }
  } catch (err) {
    const status = err.status ?? 503;
    const code = status === 413 ? 'payload_too_large' : 'service_unavailable';
    if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code, message: status === 413 ? 'Body too large.' : 'Maitre cannot be reached.', details: {} } }));
  }
});

server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`proxy listening on http://${address}:${port} → ${MAITRE_URL} (restaurant ${RESTAURANT})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
