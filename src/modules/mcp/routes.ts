/**
 * POST /mcp (and /mcp/{restaurant}, which pins the restaurant: another restaurant's key is refused with 403
 * restaurant_scope_mismatch): the MCP server over Streamable HTTP, stateless, JSON responses.
 *
 * Every POST goes through the same key pipeline as /v1 (API.md §1: presence, validity, expiry and revocation, the
 * per-key rate limit, origin, plan; the usage log records it), before the body is parsed. The route itself requires
 * no scope (`scope: []`); each tool requires its own (server.ts). GET and DELETE answer 405: a stateless server opens
 * no server-to-client stream and has no session to end. Outside /v1, and not an API operation: hidden from the
 * OpenAPI documents like /metrics.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { registerKeyAuth } from '../../http/auth.js';
import type { Scope } from '../keys/scopes.js';

/**
 * The MCP SDK (and the server built on it) is loaded on the first POST /mcp, not at start: ~15 MB of heap that a
 * server whose clients never speak MCP does not carry.
 */
let sdk: Promise<{ createMcpServer: typeof import('./server.js').createMcpServer; Transport: typeof import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js').WebStandardStreamableHTTPServerTransport }> | undefined;
function loadSdk(): NonNullable<typeof sdk> {
  sdk ??= Promise.all([import('./server.js'), import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js')]).then(([server, transport]) => ({
    createMcpServer: server.createMcpServer,
    Transport: transport.WebStandardStreamableHTTPServerTransport,
  }));
  sdk.catch(() => (sdk = undefined)); // a failed load is tried again by the next request
  return sdk;
}

export const MCP_PATH = '/mcp';

/** The headers the transport reads; the rest (cookies, the API key) stay out of it. */
const FORWARDED = ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id'];

function webRequest(req: FastifyRequest): Request {
  const headers = new Headers();
  for (const name of FORWARDED) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  return new Request(`http://mcp.internal${req.url}`, { method: req.method, headers });
}

/** A JSON-RPC error answer of the transport layer (not an API error envelope: these are not API routes). */
function jsonRpcError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify({ jsonrpc: '2.0', error: { code: -32600, message }, id: null }));
}

async function handle(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  // One message per HTTP request (JSON-RPC batches left the protocol in 2025-06-18): each draws on the key's rate limit.
  if (Array.isArray(req.body) && req.body.length > 1) return jsonRpcError(reply, 400, 'Send one JSON-RPC message per request (no batches).');
  const key = req.apiKey;
  if (!key) throw new Error('POST /mcp ran without the key pipeline'); // cannot happen: the route declares auth 'key'
  // A key belongs to one restaurant: /mcp/{restaurant} was refused by the pipeline unless it names the key's own.
  const { createMcpServer, Transport } = await loadSdk();
  const server = createMcpServer({ req, services: req.server.services, key, restaurant: key.restaurant });
  const transport = new Transport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  try {
    await server.connect(transport);
    const response = await transport.handleRequest(webRequest(req), { parsedBody: req.body });
    const text = await response.text();
    reply.code(response.status);
    response.headers.forEach((value, name) => {
      reply.header(name, value);
    });
    return reply.send(text === '' ? undefined : text);
  } finally {
    await server.close();
  }
}

/** GET (a server-to-client stream) and DELETE (end a session): neither exists on a stateless server. */
async function methodNotAllowed(_req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return jsonRpcError(reply.header('allow', 'POST'), 405, 'Method not allowed: this MCP server is stateless, send POST.');
}

export const mcpRoutes: FastifyPluginAsync = async (app) => {
  const { keyCache, limiter, usage, now } = app.services;
  registerKeyAuth(app, { keyCache, limiter, usage, now });
  const scope: Scope[] = []; // any valid key of the restaurant; each tool checks its own scope
  for (const url of [MCP_PATH, `${MCP_PATH}/:restaurant`]) {
    app.post(url, { config: { auth: 'key', scope }, schema: { hide: true } }, handle);
    app.route({ method: ['GET', 'DELETE'], url, config: { auth: 'none' }, schema: { hide: true }, handler: methodNotAllowed });
  }
};
