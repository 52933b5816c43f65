/** For a key made for an AI agent: the MCP server's URL and a configuration snippet for the chosen client. */
import { useId, useState } from 'react';
import { CopyText } from '../../components/CopyText';
import { KEY_PLACEHOLDER, MCP_CLIENTS, mcpUrl } from './mcp-config';

export function McpConnect({ apiKey }: { apiKey?: string }) {
  const id = useId();
  const [clientId, setClientId] = useState(MCP_CLIENTS[0].id);
  const client = MCP_CLIENTS.find((c) => c.id === clientId) ?? MCP_CLIENTS[0];
  const url = mcpUrl(window.location.origin);
  return (
    <section className="mcp-connect" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Connect an AI agent (MCP)</h3>
      <p className="help">
        AI assistants that speak the Model Context Protocol can check availability, book, move and cancel with this key, within its
        scopes. {apiKey ? 'The snippet below contains the key: keep it private.' : 'The snippet gets the key once it is created.'}
      </p>
      <CopyText label="MCP server URL" value={url} />
      <div className="field">
        <label htmlFor={`${id}-client`}>Client</label>
        <select id={`${id}-client`} value={client.id} onChange={(e) => setClientId(e.target.value)} aria-describedby={`${id}-where`}>
          {MCP_CLIENTS.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
        <p className="help" id={`${id}-where`}>
          {client.where}
        </p>
      </div>
      <CopyText label={`Configuration for ${client.label}`} value={client.snippet(url, apiKey ?? KEY_PLACEHOLDER)} multiline />
    </section>
  );
}
