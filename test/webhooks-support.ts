/**
 * Shared by the webhooks-*.test.ts suites: real HTTP receivers on 127.0.0.1, an app whose dispatcher runs on a
 * compressed schedule, an endpoint set up through the public API, and signature checks written independently of
 * src/modules/webhooks/signing.ts (WebCrypto instead of node:crypto's createHmac, constant-time compare by hand).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webcrypto } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../src/config.js';
import type { DispatcherOptions } from '../src/modules/webhooks/dispatcher.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import type { TestDb } from './helpers/db.js';
import { bearer, tenantWithKey } from './helpers/keys.js';

export interface Received {
  n: number;
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the receiver does with request n (1-based): answer with a status, or hang without answering. */
export type Behavior = (n: number, body: string) => { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  behavior: Behavior;
  /** Resolves once at least `count` requests arrived (default: within 10 s). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(behavior: Behavior = () => ({ status: 200, body: 'ok' })): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const r: Received = { n: requests.length + 1, at: Date.now(), headers: req.headers, body };
      requests.push(r);
      for (const w of waiters.splice(0)) w();
      const answer = receiver.behavior(r.n, body);
      if (answer === 'hang') return; // never answers; the client's timeout or close ends it
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    requests,
    behavior,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`receiver got ${requests.length} requests, expected ${count}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 50));
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

export async function waitUntil<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An app that may deliver to 127.0.0.1, retrying on a compressed schedule; `dispatcher` tunes its dispatcher. */
export function webhookApp(
  opts: { db?: TestDb; config?: Partial<Config>; dispatcher?: Partial<DispatcherOptions> } = {},
): Promise<TestApp> {
  return createTestApp({
    db: opts.db,
    config: { webhookAllowPrivate: true, webhookRetryDelaysMs: [50, 100, 200], ...opts.config },
    extend: (app) => {
      Object.assign(app.services.webhookDispatcher.options, { pollIntervalMs: 200, ...opts.dispatcher });
    },
  });
}

/** A tenant with an all-scopes key and one endpoint created through POST /v1/…/webhooks. */
export async function tenantWithEndpoint(t: TestApp, url: string, events: string[] = ['*']) {
  const tenant = await tenantWithKey(t.app);
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/restaurants/${tenant.restaurant.slug}/webhooks`,
    headers: bearer(tenant.key),
    payload: { url, events, description: 'test receiver' },
  });
  if (res.statusCode !== 201) throw new Error(`endpoint creation failed: ${res.statusCode} ${res.body}`);
  const endpoint = res.json() as { id: string; secret: string; url: string };
  return { ...tenant, endpoint, secret: endpoint.secret };
}

// ---- Independent signature verification (WebCrypto) ----

async function hmac(key: Uint8Array, message: string): Promise<Uint8Array> {
  const k = await webcrypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await webcrypto.subtle.sign('HMAC', k, new TextEncoder().encode(message)));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** X-Maitre-Signature: hex HMAC-SHA256 of the body keyed with the whole secret string. */
export async function verifyMaitre(secret: string, body: string, header: string | undefined): Promise<boolean> {
  if (!header || !/^[0-9a-f]{64}$/.test(header)) return false;
  const expected = await hmac(new TextEncoder().encode(secret), body);
  return sameBytes(expected, Uint8Array.from(header.match(/../g)!.map((h) => parseInt(h, 16))));
}

/** Standard Webhooks: any `v1,` entry of webhook-signature matches HMAC(base64decode(secret after whsec_), id.ts.body). */
export async function verifyStandard(secret: string, headers: http.IncomingHttpHeaders | Record<string, string>, body: string): Promise<boolean> {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return false;
  const key = Uint8Array.from(atob(secret.slice('whsec_'.length)), (c) => c.charCodeAt(0));
  const expected = await hmac(key, `${id}.${ts}.${body}`);
  return sig.split(' ').some((entry) => {
    const [version, b64] = entry.split(',', 2);
    if (version !== 'v1' || !b64) return false;
    return sameBytes(expected, Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  });
}
