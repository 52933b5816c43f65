import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createTestApp } from './helpers/app.js';
import type { IncomingMessage } from 'node:http';
import { ApiError, ERROR_CODES, ERROR_STATUS, errors } from '../src/http/errors.js';
import { genReqId } from '../src/http/request-id.js';

const envelope = (res: { json(): any }) => {
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'details', 'message']);
  assert.equal(typeof body.error.message, 'string');
  assert.equal(typeof body.error.details, 'object');
  return body.error;
};

async function withApp(fn: (t: Awaited<ReturnType<typeof createTestApp>>) => Promise<void>) {
  const t = await createTestApp({
    extend(app) {
      app.get('/test/boom', { config: { auth: 'none' } }, async () => {
        throw new Error('secret internals: password=hunter2 at /srv/app.js');
      });
      app.get('/test/db-down', { config: { auth: 'none' } }, async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      });
      app.get('/test/deadlock', { config: { auth: 'none' } }, async () => {
        throw Object.assign(new Error('deadlock detected'), { code: '40P01', severity: 'ERROR' }); // as pg reports it
      });
      app.post(
        '/test/echo',
        {
          config: { auth: 'none' },
          schema: { body: z.object({ name: z.string().min(1), partySize: z.number().int().min(1), nested: z.object({ a: z.string() }).optional() }).strict() },
        },
        async (req) => ({ ok: true, proto: Object.prototype.hasOwnProperty.call({}, 'polluted'), body: req.body }),
      );
    },
  });
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

test('the code table: every status is the contract’s', () => {
  assert.equal(ERROR_STATUS.validation_failed, 422);
  assert.equal(ERROR_STATUS.no_tables_available, 409);
  assert.equal(ERROR_STATUS.service_unavailable, 503);
  for (const c of ERROR_CODES) assert.match(c, /^[a-z_]+$/);
});

test('a 4xx ApiError is built without a stack trace, a 5xx keeps its own; Error.stackTraceLimit is left as it was', () => {
  const limit = Error.stackTraceLimit;
  const refusal = errors.rateLimited(12, 100);
  assert.equal(refusal.status, 429);
  assert.ok(refusal instanceof ApiError && refusal instanceof Error);
  assert.equal(refusal.message, 'Rate limit of 100 requests per minute exceeded; retry in 12 s.');
  assert.doesNotMatch(refusal.stack ?? '', /\n\s+at /, 'no frames captured for a 4xx');
  const fault = errors.internal();
  assert.equal(fault.status, 500);
  assert.match(fault.stack ?? '', /\n\s+at .*errors\.test\.ts/, 'a 5xx says where it was made');
  assert.match(new ApiError('service_unavailable', 'down').stack ?? '', /\n\s+at /);
  assert.equal(Error.stackTraceLimit, limit);
  assert.match(new Error('plain').stack ?? '', /\n\s+at /, 'other errors still capture their frames');
});

test('500 internal_error never leaks internals, carries the request id, and logs the stack', async () => {
  await withApp(async (t) => {
    const res = await t.app.inject({ method: 'GET', url: '/test/boom' });
    assert.equal(res.statusCode, 500);
    const e = envelope(res);
    assert.equal(e.code, 'internal_error');
    assert.ok(!res.body.includes('hunter2') && !res.body.includes('/srv/app.js'));
    assert.deepEqual(e.details, {});
    const id = res.headers['x-request-id'] as string;
    assert.ok(id);
    const line = t.logs.find((l) => l.includes('"level":50') && l.includes(id));
    assert.ok(line, 'an error log line with the request id');
    assert.match(line!, /"stack":/);
  });
});

test('database unreachable → 503 service_unavailable with Retry-After', async () => {
  await withApp(async (t) => {
    const res = await t.app.inject({ method: 'GET', url: '/test/db-down' });
    assert.equal(res.statusCode, 503);
    assert.equal(envelope(res).code, 'service_unavailable');
    assert.ok(Number(res.headers['retry-after']) >= 1);
  });
});

test('a transaction aborted by a concurrent one (deadlock, serialization failure) → 503 with Retry-After: 1, nothing saved', async () => {
  await withApp(async (t) => {
    const res = await t.app.inject({ method: 'GET', url: '/test/deadlock' });
    assert.equal(res.statusCode, 503);
    const error = envelope(res);
    assert.equal(error.code, 'service_unavailable');
    assert.match(error.message, /send the request again/);
    assert.equal(res.headers['retry-after'], '1');
  });
});

test('bad bodies: invalid JSON 400, too large 413, wrong media type 415, schema 422 with issues', async () => {
  await withApp(async (t) => {
    const post = (payload: string, type = 'application/json') =>
      t.app.inject({ method: 'POST', url: '/test/echo', payload, headers: { 'content-type': type } });
    const bad = await post('{"name": ');
    assert.equal(bad.statusCode, 400);
    assert.equal(envelope(bad).code, 'invalid_json');

    const big = await post(JSON.stringify({ name: 'x'.repeat(70 * 1024), partySize: 2 }));
    assert.equal(big.statusCode, 413);
    assert.equal(envelope(big).code, 'payload_too_large');

    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await post('name=x', type);
      assert.equal(r.statusCode, 415, type);
      assert.equal(envelope(r).code, 'unsupported_media_type');
    }

    const invalid = await post(JSON.stringify({ name: '', partySize: 'four', nested: { a: 1 }, extra: true }));
    assert.equal(invalid.statusCode, 422);
    const e = envelope(invalid);
    assert.equal(e.code, 'validation_failed');
    const paths = e.details.issues.map((i: { path: string }) => i.path).sort();
    assert.ok(paths.includes('body.name'), JSON.stringify(paths));
    assert.ok(paths.includes('body.partySize'));
    assert.ok(paths.includes('body.nested.a'));
    for (const i of e.details.issues) assert.equal(typeof i.message, 'string');

    const wrongShape = await post('[1,2,3]');
    assert.equal(wrongShape.statusCode, 422);
    const nullBody = await post('null');
    assert.equal(nullBody.statusCode, 422);

    const ok = await post(JSON.stringify({ name: 'Ada', partySize: 2 }), 'application/json; charset=utf-8');
    assert.equal(ok.statusCode, 200);
  });
});

test('prototype pollution payloads are neutralised, never a 5xx', async () => {
  await withApp(async (t) => {
    const payloads = [
      '{"name":"a","partySize":1,"__proto__":{"polluted":true}}',
      '{"name":"a","partySize":1,"constructor":{"prototype":{"polluted":true}}}',
      '{"name":"a","partySize":1,"nested":{"a":"x","__proto__":{"polluted":1}}}',
    ];
    for (const payload of payloads) {
      const r = await t.app.inject({ method: 'POST', url: '/test/echo', payload, headers: { 'content-type': 'application/json' } });
      assert.ok(r.statusCode < 500, payload);
      if (r.statusCode === 200) assert.equal(r.json().proto, false);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

test('X-Request-Id: a sane caller id is echoed, an insane one replaced', async () => {
  await withApp(async (t) => {
    const sane = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-42.abc' } });
    assert.equal(sane.headers['x-request-id'], 'trace-42.abc');
    const insane = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b\u0007<script>' } });
    assert.match(String(insane.headers['x-request-id']), /^req_[0-9a-f]{20}$/);
    const long = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'x'.repeat(300) } });
    assert.match(String(long.headers['x-request-id']), /^req_/);
  });
});

test('minted request ids: 20 random hex digits, unique across refills of the random pool', () => {
  const seen = new Set<string>();
  const req = { headers: {} } as IncomingMessage;
  for (let i = 0; i < 5_000; i++) { // ~12 refills of the 4 KiB pool (409 ids each)
    const id = genReqId(req);
    assert.match(id, /^req_[0-9a-f]{20}$/);
    assert.ok(!seen.has(id), `repeated id ${id} at ${i}`);
    seen.add(id);
  }
});
