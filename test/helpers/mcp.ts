/** Helpers for the MCP suites: the app listening on a real port, and the SDK's own client over Streamable HTTP. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance } from 'fastify';

/** Listens on 127.0.0.1, port 0; answers the base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

/** A connected MCP client (initialize + initialized: two requests on the key's rate limit). */
export async function mcpClient(base: string, key: string, options: { path?: string; headers?: Record<string, string> } = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${base}${options.path ?? '/mcp'}`), {
    requestInit: { headers: { authorization: `Bearer ${key}`, ...options.headers } },
  });
  const client = new Client({ name: 'maitre-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

type Json = Record<string, any>;

/** Calls a tool that must succeed: its structured content. */
export async function ok(client: Client, name: string, args: Json = {}): Promise<Json> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.structuredContent)}`);
  return r.structuredContent as Json;
}

/** Calls a tool that must fail: its error envelope's `error`. */
export async function refused(client: Client, name: string, args: Json = {}): Promise<{ code: string; message: string; details: Json }> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (!r.isError) throw new Error(`${name} succeeded: ${JSON.stringify(r.structuredContent)}`);
  const text = (r.content[0] as { text: string }).text;
  const error = (r.structuredContent as Json).error;
  if (!text.startsWith(`${error.code}: `)) throw new Error(`the text content does not start with the code: ${text}`);
  return error;
}
