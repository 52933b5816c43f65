/**
 * The HTTP drain (src/http/drain.ts) on raw sockets, so that nothing between the test and the server opens, reuses or
 * closes a connection on its own: a kept-alive connection idle at SIGTERM is not closed by the server before the grace
 * (a request may be on its way on it), a request on it is answered and closes it, a new connection is refused, and
 * the drain resolves when the last connection has gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { drainHttp } from '../src/http/drain.js';

async function listening(handler: http.RequestListener = (_req, res) => res.end('ok')): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** A raw connection that collects what the server sends and notes when the server closes it. */
async function connection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  let closedAt: number | null = null;
  socket.on('data', (d) => (received += d));
  socket.on('end', () => (closedAt ??= Date.now()));
  socket.on('close', () => (closedAt ??= Date.now()));
  socket.on('error', () => {});
  return {
    socket,
    get received() { return received; },
    get closedAt() { return closedAt; },
    /** Resolves when the server's close has reached this side; rejects if it has not within 5 s. */
    async closed(): Promise<number> {
      if (closedAt === null) await once(socket, 'close', { signal: AbortSignal.timeout(5_000) });
      return closedAt!;
    },
    /** Sends one GET and resolves with the full answer's head once its body ("ok") has arrived. */
    async get(path = '/'): Promise<string> {
      const before = received.length;
      socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`);
      while (!received.slice(before).includes('\r\n\r\nok')) await once(socket, 'data');
      return received.slice(before);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a kept connection idle at the drain stays open; a request on it is answered with Connection: close, then it closes', async () => {
  const { server, port } = await listening();
  const c = await connection(port);
  assert.match(await c.get(), /connection: keep-alive/i, 'kept alive before the drain');
  const drained = drainHttp(server, 10_000);
  let done = false;
  void drained.then(() => (done = true));
  await sleep(300);
  assert.equal(c.closedAt, null, 'the server did not close the idle connection');
  assert.equal(done, false);
  const answer = await c.get();
  assert.match(answer, /^HTTP\/1\.1 200/);
  assert.match(answer, /connection: close/i);
  assert.deepEqual(await drained, { openAtGrace: 0 });
  await c.closed(); // by the server, after its answer: the test never closes it
});

test('a new connection is refused once the drain has begun', async () => {
  const { server, port } = await listening();
  const drained = drainHttp(server, 10_000);
  const socket = net.connect(port, '127.0.0.1');
  const [err] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
  assert.equal(err.code, 'ECONNREFUSED');
  await drained;
});

/** A server whose handler answers only on release(), and one request on it that has reached the handler. */
async function held() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { server, port } = await listening((_req, res) => void gate.then(() => res.end('ok')));
  const c = await connection(port);
  const answer = c.get();
  await sleep(100);
  return { server, c, answer, release };
}

test('a request in flight at the drain is answered in full before the drain resolves', async () => {
  const { server, c, answer, release } = await held();
  let done = false;
  const drained = drainHttp(server, 10_000).then((d) => ((done = true), d));
  await sleep(200);
  assert.equal(done, false, 'waits for the answer');
  release();
  assert.match(await answer, /^HTTP\/1\.1 200/);
  // Its answer was already under way when the drain began; the connection, then idle, is left to the client.
  c.socket.end();
  assert.deepEqual(await drained, { openAtGrace: 0 });
});

test('what is still idle at the grace is closed by the server, and the drain resolves', async () => {
  const { server, port } = await listening();
  const c = await connection(port);
  await c.get();
  const started = Date.now();
  const drained = await drainHttp(server, 400);
  assert.deepEqual(drained, { openAtGrace: 1 });
  const closedAfter = (await c.closed()) - started;
  assert.ok(closedAfter >= 350, `closed at the grace, not before (${closedAfter} ms)`);
});

test('a request still running at the grace: answered in full, then its connection is closed by the server', async () => {
  const { server, c, answer, release } = await held();
  const drained = drainHttp(server, 200);
  await sleep(500); // past the grace: the request is still running
  assert.equal(c.closedAt, null, 'a running request is not cut');
  release();
  assert.match(await answer, /^HTTP\/1\.1 200/);
  await c.closed(); // by the server's next sweep: the test never closes it
  assert.deepEqual(await drained, { openAtGrace: 1 });
});
