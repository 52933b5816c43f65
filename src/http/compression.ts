/**
 * Response compression (brotli, else gzip, as the client accepts) for what a browser downloads: pages, scripts,
 * stylesheets, SVG, and the OpenAPI documents — text above 1 KiB. Not for the JSON API under /v1 and /admin/api (the
 * documents excepted): its answers are small, the hot path pays the CPU on every call and gains little on the wire
 * (docs/benchmarks.md, "Compression"). What never changes while the server runs (the OpenAPI documents, the reference
 * renderer) is compressed once (`Precompressed`) and its route opts out of per-answer compression.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip as gzipCallback } from 'node:zlib';
import compress from '@fastify/compress';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const COMPRESS_THRESHOLD = 1024;

const brotli = promisify(brotliCompress);
const gzip = promisify(gzipCallback);

/** Content types worth compressing: HTML, CSS, JavaScript, SVG, JSON (the only JSON left compressed: the documents). */
const COMPRESSIBLE = /^(text\/(html|css|javascript|plain)|application\/(javascript|json)|image\/svg\+xml)(;|$)/i;

const API = /^\/(v1|admin\/api)\//;
const DOCUMENTS = new Set(['/v1/openapi.json', '/admin/api/openapi.json']);

/** True for the routes that answer the JSON API (not compressed). */
export function isApiRoute(url: string): boolean {
  return API.test(url) && !DOCUMENTS.has(url);
}

/** Register before any route: API routes are marked `compress: false` as they are added. */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (!isApiRoute(route.url ?? '')) return;
    route.compress = false;
    // A GET or HEAD carries no body to decompress: no request-decompression hook (a preParsing hook on every call).
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => m === 'GET' || m === 'HEAD')) route.decompress = false;
  });
  await app.register(compress, { global: true, threshold: COMPRESS_THRESHOLD, customTypes: COMPRESSIBLE, encodings: ['br', 'gzip'] });
}

/**
 * A body that never changes while the server runs (an OpenAPI document, the reference renderer), compressed once —
 * brotli at quality 9 (near its best, ~0.2 s for the 1.1 MB renderer), gzip at level 9 — on first demand, on libuv's
 * thread pool (not the event loop), instead of on every answer.
 */
export class Precompressed {
  private br?: Promise<Buffer>;
  private gzip?: Promise<Buffer>;

  constructor(readonly body: Buffer) {}

  /** The best encoding the request accepts (br, then gzip), or the body as it is. */
  async pick(acceptEncoding: string | undefined): Promise<{ encoding: 'br' | 'gzip' | null; body: Buffer }> {
    if (this.body.length < COMPRESS_THRESHOLD) return { encoding: null, body: this.body };
    const accepted = acceptedEncodings(acceptEncoding);
    if (accepted.has('br')) {
      this.br ??= brotli(this.body, {
        params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: this.body.length },
      });
      return { encoding: 'br', body: await this.br };
    }
    if (accepted.has('gzip')) {
      this.gzip ??= gzip(this.body, { level: 9 });
      return { encoding: 'gzip', body: await this.gzip };
    }
    return { encoding: null, body: this.body };
  }

  /** Sends the body in the encoding the request accepts, with `Vary: Accept-Encoding`. */
  async send(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { encoding, body } = await this.pick(req.headers['accept-encoding']);
    const vary = reply.getHeader('vary'); // e.g. Origin, set by CORS as the request arrived
    reply.header('vary', vary ? `${String(vary)}, accept-encoding` : 'accept-encoding');
    if (encoding) reply.header('content-encoding', encoding);
    return reply.send(body);
  }
}

/** The codings an Accept-Encoding header allows (q > 0; `*` stands for br and gzip). */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!name || (q !== undefined && !(Number(q.slice(2)) > 0))) continue;
    if (name === '*') ['br', 'gzip'].forEach((e) => out.add(e));
    else out.add(name);
  }
  return out;
}
