/**
 * The outbound HTTP of a webhook attempt: one POST, no redirects followed (a 3xx is a failed attempt), a hard time
 * limit, the first KiB of the answer kept for the delivery log, and the connection pinned to the address the SSRF
 * guard checked (the socket's DNS lookup answers with that address, while TLS still verifies the certificate for the
 * URL's host name). node:http(s) is used directly: it never follows redirects and takes a per-request `lookup`, which
 * is exactly the pinning hook needed, without another dependency.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './ssrf.js';

export const RESPONSE_EXCERPT_BYTES = 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;

export interface SendRequest {
  url: URL;
  /** Connect only to these (checked) addresses instead of resolving the host again; null: resolve normally. */
  addresses: ResolvedAddress[] | null;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
}

export interface SendResult {
  /** The receiver's HTTP status, or null when none arrived (connection error, timeout). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** At most RESPONSE_EXCERPT_BYTES of the response body, as text. */
  excerpt: string | null;
}

/** Something that performs one attempt; swappable in tests. Must never throw: failures are results. */
export type Sender = (req: SendRequest) => Promise<SendResult>;

/** A socket lookup that answers with the vetted addresses only (all of them when asked: happy eyeballs). */
function pinnedLookup(targets: ResolvedAddress[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, targets.map((t) => ({ address: t.address, family: t.family })));
    else callback(null, targets[0].address, targets[0].family);
  }) as LookupFunction;
}

/** Text of at most `max` bytes, without NUL characters (PostgreSQL text cannot hold them). */
export function excerptOf(buf: Buffer, max = RESPONSE_EXCERPT_BYTES): string {
  let text = buf.subarray(0, max).toString('utf8').replace(/\u0000/g, '');
  while (Buffer.byteLength(text) > max) text = text.slice(0, -1); // a replacement character can add bytes
  return text;
}

export const httpSender: Sender = (req) =>
  new Promise<SendResult>((resolve) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let settled = false;
    let statusCode: number | null = null;
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      resolve({ statusCode, durationMs: elapsed(), error, excerpt: size > 0 ? excerptOf(Buffer.concat(chunks)) : statusCode === null ? null : '' });
      request.destroy();
    };
    const client = req.url.protocol === 'https:' ? https : http;
    const request = client.request(req.url, {
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
      agent: false,
      lookup: req.addresses?.length ? pinnedLookup(req.addresses) : undefined,
    });
    // Listen for errors before anything can destroy the request (an abort at shutdown destroys it at once, and an
    // 'error' event without a listener would take the whole process down).
    request.on('error', (err: NodeJS.ErrnoException) => finish(err.message || err.code || 'connection error'));
    let location: string | undefined;
    /** The answer is complete (or enough of it): its status decides. */
    const answered = () => {
      if (statusCode !== null && statusCode >= 200 && statusCode < 300) finish(null);
      else if (statusCode !== null && statusCode >= 300 && statusCode < 400) {
        finish(`redirect${location ? ` to ${location.slice(0, 300)}` : ''} not followed: answer with 2xx`);
      } else finish(`HTTP ${statusCode}`);
    };
    // A receiver that sent its status line but stalls on the body has still answered.
    const timer = setTimeout(() => (statusCode !== null ? answered() : finish(`timed out after ${req.timeoutMs} ms`)), req.timeoutMs);
    const onAbort = () => finish('interrupted: the server is shutting down');
    if (req.signal?.aborted) return onAbort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('response', (res) => {
      statusCode = res.statusCode ?? null;
      location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
      res.on('data', (chunk: Buffer) => {
        if (size < RESPONSE_EXCERPT_BYTES) {
          chunks.push(chunk);
          size += chunk.length;
        }
        if (size >= RESPONSE_EXCERPT_BYTES) answered();
      });
      res.on('end', answered);
      res.on('error', () => answered());
    });
    request.end(req.body);
  });
