/**
 * One MCP server per HTTP request (stateless Streamable HTTP: no session, any instance answers any request), built
 * for the authenticated key. tools/list and resources/list show only what the key's scopes allow; a tool called
 * anyway answers the contract's `scope_missing` as a tool error. Arguments are validated with the tool's zod schema
 * and every refusal is a tool error with the REST error envelope (see results.ts).
 */
import { readFileSync } from 'node:fs';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema, ErrorCode, ListResourcesRequestSchema, ListToolsRequestSchema, McpError, ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { errors } from '../../http/errors.js';
import { POLICY_URI, policyMarkdown } from './policy-resource.js';
import { toApiError, toolError, toolResult } from './results.js';
import { TOOL_LIST, TOOLS, type McpTool, type ToolContext } from './tools.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const POLICY_SCOPE = 'config:read' as const;

const allowed = (ctx: ToolContext, tool: McpTool) => ctx.key.scopes.includes(tool.scope);

function instructions(ctx: ToolContext): string {
  return (
    `Books tables at ${ctx.restaurant.name} (times local to ${ctx.restaurant.timezone}). Typical flow: find_availability ` +
    'for the date and party size, offer the free times (or the nearest ones), collect the guest\'s name and email or ' +
    'phone, read the booking back and get the guest\'s yes, then book_table and give the guest the reference. To change or ' +
    'cancel, ask for the reference and the email or phone it was booked with. Never book, move or cancel without the ' +
    'guest\'s explicit confirmation.'
  );
}

export async function callTool(ctx: ToolContext, name: string, args: unknown): Promise<CallToolResult> {
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
  try {
    if (!allowed(ctx, tool)) throw errors.scopeMissing(tool.scope, [tool.scope], ctx.key.scopes);
    const parsed = tool.input.parse(args ?? {});
    const out = await tool.run(ctx, parsed);
    return toolResult(out.value, out.summary);
  } catch (err) {
    return toolError(toApiError(err, ctx.req.log));
  }
}

export function createMcpServer(ctx: ToolContext): Server {
  const server = new Server(
    { name: 'maitre', title: `Maitre — ${ctx.restaurant.name}`, version: pkg.version },
    { capabilities: { tools: {}, resources: {} }, instructions: instructions(ctx) },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: TOOLS.filter((t) => allowed(ctx, t)).map((t) => TOOL_LIST.get(t.name)!),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => callTool(ctx, request.params.name, request.params.arguments));
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: ctx.key.scopes.includes(POLICY_SCOPE)
      ? [{
          uri: POLICY_URI, name: 'booking-policy', title: `Booking policy of ${ctx.restaurant.name}`, mimeType: 'text/markdown',
          description: 'Party sizes, how far ahead and how late one can book, the cancellation cut-off, what a booking needs.',
        }]
      : [],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    if (request.params.uri !== POLICY_URI) throw new McpError(ErrorCode.InvalidParams, `Unknown resource: ${request.params.uri}`);
    if (!ctx.key.scopes.includes(POLICY_SCOPE)) {
      const e = errors.scopeMissing(POLICY_SCOPE, [POLICY_SCOPE], ctx.key.scopes);
      throw new McpError(ErrorCode.InvalidRequest, `${e.code}: ${e.message}`, { code: e.code, details: e.details });
    }
    const profile = await ctx.services.restaurants.profile(ctx.restaurant.id);
    return { contents: [{ uri: POLICY_URI, mimeType: 'text/markdown', text: policyMarkdown(profile) }] };
  });
  return server;
}
