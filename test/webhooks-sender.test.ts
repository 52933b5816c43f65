/**
 * The outbound sender on its own: an attempt interrupted by shutdown — before it starts or while the receiver has not
 * answered yet — is a failed attempt, never an unhandled 'error' event (which would take the whole process down).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpSender } from '../src/modules/webhooks/sender.js';

let server: Server;
let url: URL;
before(async () => {
  // A receiver that never answers (the request stays in flight until the sender gives up).
  server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const attempt = (signal: AbortSignal, timeoutMs = 10_000) =>
  httpSender({ url, addresses: null, headers: { 'content-type': 'application/json' }, body: '{"ok":true}', timeoutMs, signal });

test('an attempt whose signal is already aborted fails as interrupted, without an unhandled error', async () => {
  const result = await attempt(AbortSignal.abort());
  assert.equal(result.statusCode, null);
  assert.match(result.error ?? '', /interrupted/);
  await new Promise((r) => setTimeout(r, 50)); // an unhandled 'error' from the destroyed request would surface here
});

test('an attempt aborted while waiting for the answer fails as interrupted', async () => {
  const controller = new AbortController();
  const pending = attempt(controller.signal);
  await new Promise((r) => setTimeout(r, 100));
  controller.abort();
  const result = await pending;
  assert.equal(result.statusCode, null);
  assert.match(result.error ?? '', /interrupted/);
  await new Promise((r) => setTimeout(r, 50));
});

test('a receiver that never answers times out as a failed attempt', async () => {
  const result = await attempt(new AbortController().signal, 200);
  assert.equal(result.statusCode, null);
  assert.match(result.error ?? '', /timed out after 200 ms/);
});
