/**
 * How to connect an MCP client to Maitre's MCP server (`<origin>/mcp`, Streamable HTTP) with an API key: the URL and
 * a configuration for the common clients. The key goes in an `Authorization: Bearer` header, as for the REST API.
 */
export const mcpUrl = (origin: string) => `${origin.replace(/\/+$/, '')}/mcp`;

/** A placeholder shown before the key exists (the create dialog); the reveal dialog fills in the real key. */
export const KEY_PLACEHOLDER = '<your API key>';

export interface McpClient {
  id: string;
  label: string;
  /** Where the snippet goes. */
  where: string;
  snippet: (url: string, key: string) => string;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export const MCP_CLIENTS: McpClient[] = [
  {
    id: 'http',
    label: 'Streamable HTTP (JSON)',
    where: 'The "mcpServers" entry of a client that connects to remote servers over HTTP (Claude Code .mcp.json, Cursor, VS Code…).',
    snippet: (url, key) => json({ mcpServers: { maitre: { type: 'http', url, headers: { Authorization: `Bearer ${key}` } } } }),
  },
  {
    id: 'claude-desktop',
    label: 'Claude Desktop',
    where: 'claude_desktop_config.json (Settings → Developer → Edit Config); mcp-remote bridges it to the HTTP server.',
    snippet: (url, key) =>
      json({
        mcpServers: {
          maitre: {
            command: 'npx',
            args: ['-y', 'mcp-remote', url, '--header', 'Authorization:${MAITRE_AUTH}', ...(url.startsWith('http:') ? ['--allow-http'] : [])],
            env: { MAITRE_AUTH: `Bearer ${key}` },
          },
        },
      }),
  },
  {
    id: 'claude-code',
    label: 'Claude Code (command line)',
    where: 'A terminal, in the project where the agent works.',
    snippet: (url, key) => `claude mcp add --transport http maitre ${url} --header "Authorization: Bearer ${key}"`,
  },
];
