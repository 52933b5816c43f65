/**
 * /llms.txt and /llms-full.txt (the llms.txt format: an H1, a blockquote summary, then H2 sections of Markdown link
 * lists, "Optional" last), generated at start-up from the guides in docs/*.md, the MCP tools and the public OpenAPI
 * document — the same sources the server runs on, so the index cannot drift from them.
 *
 * - llms.txt: every guide (linked as Markdown, served by the server at /docs/{name}.md), every MCP tool, every public
 *   operation by tag (linked to its entry in the /docs reference), the machine-readable documents.
 * - llms-full.txt: the same header, then the full text of every guide and every operation (description, parameters,
 *   body fields, success and error statuses) in one file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS } from '../mcp/tools.js';

export const DOCS_DIR = fileURLToPath(new URL('../../../docs/', import.meta.url));

/** Guides about running Maitre rather than using its API: listed under "Optional". */
const OPERATOR_GUIDES = new Set(['benchmarks', 'dashboard', 'deploy', 'reliability']);
/** The guides an integrator reads first, in this order; any other guide follows, by name. */
const FIRST = ['agents', 'keys', 'booking-model', 'guests', 'webhooks', 'widget'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

type Json = Record<string, any>;

export interface Guide {
  /** File name without `.md`. */
  name: string;
  title: string;
  /** First sentence, on one line. */
  summary: string;
  text: string;
  /** Where the server serves it. */
  url: string;
}

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  op: Json;
}

/** The first sentence of the first paragraph (at most 240 characters), on one line. */
function firstSentence(markdown: string): string {
  const body = markdown.replace(/<!--[\s\S]*?-->/g, '').split('\n').filter((l) => !l.startsWith('# '));
  const lines: string[] = [];
  for (const line of body) {
    if (line.trim() === '') {
      if (lines.length) break;
      continue;
    }
    lines.push(line.trim());
  }
  const paragraph = lines.join(' ');
  const sentence = /^.+?[.!?](?=\s|$)/.exec(paragraph)?.[0] ?? paragraph;
  return sentence.length <= 240 ? sentence : `${sentence.slice(0, 239).replace(/\s+\S*$/, '')}…`;
}

/** Guides from `dir` (docs/*.md), integrators' first; none when the directory is absent. */
export function readGuides(dir = DOCS_DIR): Guide[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
  const rank = (n: string) => (FIRST.includes(n) ? FIRST.indexOf(n) : FIRST.length);
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return names.map((name) => {
    const text = readFileSync(join(dir, `${name}.md`), 'utf8');
    const title = /^# (.+)$/m.exec(text)?.[1]?.trim() ?? name;
    return { name, title, summary: firstSentence(text), text, url: `/docs/${name}.md` };
  });
}

/** Every operation of an OpenAPI document, in document order. */
export function operationsOf(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const method of METHODS) {
      const op = (item as Json)[method];
      if (!op) continue;
      out.push({ method: method.toUpperCase(), path, operationId: op.operationId, summary: op.summary ?? '', tag: op.tags?.[0] ?? 'Other', op });
    }
  }
  return out;
}

const referenceLink = (o: Operation) => `/docs#/${encodeURIComponent(o.tag)}/${o.operationId}`;
const scopesOf = (o: Operation): string[] => o.op['x-required-scopes'] ?? [];

function header(doc: Json): string[] {
  return [
    '# Maitre',
    '',
    '> Maitre is a self-hostable restaurant reservation platform. A restaurant hands its public booking API — availability, ' +
      'reservations, waitlist, guest self-service, webhooks — to its website widget, partners and AI agents, each with a ' +
      'scoped API key. AI agents can also book through the MCP server at `/mcp` with the same keys.',
    '',
    `This server's public API is described by the OpenAPI ${doc.openapi} document at \`/v1/openapi.json\` (browse it at ` +
      '`/docs`). Send the API key as `Authorization: Bearer <key>` or `x-api-key`. Dates are the restaurant\'s local ' +
      '`YYYY-MM-DD`, times local `HH:mm`; errors are `{ "error": { "code", "message", "details" } }` with stable codes.',
    '',
  ];
}

function toolLines(): string[] {
  return TOOLS.map((t) => `- [${t.name}](/docs/agents.md): ${t.title} (scope \`${t.scope}\`)`);
}

function byTag(ops: Operation[]): Map<string, Operation[]> {
  const groups = new Map<string, Operation[]>();
  for (const o of ops) groups.set(o.tag, [...(groups.get(o.tag) ?? []), o]);
  return groups;
}

function operationLine(o: Operation): string {
  const scopes = scopesOf(o);
  const listed = scopes.map((s) => `\`${s}\``).join(', ');
  const auth = !o.op.security?.length ? 'no key' : scopes.length ? `${scopes.length === 1 ? 'scope' : 'scopes'} ${listed}` : 'any key';
  return `- [${o.method} ${o.path}](${referenceLink(o)}): ${o.summary} (${auth})`;
}

export function llmsTxt(guides: Guide[], doc: Json): string {
  const ops = operationsOf(doc);
  const lines = [...header(doc)];
  lines.push('## Docs', '');
  for (const g of guides.filter((g) => !OPERATOR_GUIDES.has(g.name))) lines.push(`- [${g.title}](${g.url}): ${g.summary}`);
  lines.push('', '## MCP tools', '', 'POST `/mcp` (Streamable HTTP, stateless); a key lists only the tools its scopes allow.', '');
  lines.push(...toolLines());
  for (const [tag, list] of byTag(ops)) {
    lines.push('', `## API: ${tag}`, '');
    lines.push(...list.map(operationLine));
  }
  lines.push('', '## Optional', '');
  for (const g of guides.filter((g) => OPERATOR_GUIDES.has(g.name))) lines.push(`- [${g.title}](${g.url}): ${g.summary}`);
  lines.push(
    '- [OpenAPI document of the public API](/v1/openapi.json): every operation, schema and error code, machine-readable',
    '- [Full text](/llms-full.txt): every guide and every operation in one file',
    '',
  );
  return lines.join('\n');
}

function schemaType(s: Json | undefined): string {
  if (!s) return 'any';
  if (s.enum) return s.enum.map((v: unknown) => JSON.stringify(v)).join(' | ');
  if (s.anyOf) return s.anyOf.map(schemaType).join(' | ');
  if (Array.isArray(s.type)) return s.type.join(' | ');
  if (s.type === 'array') return `${schemaType(s.items)}[]`;
  return s.type ?? 'object';
}

function operationText(o: Operation): string[] {
  const lines = [`### ${o.method} ${o.path}`, '', `\`${o.operationId}\` — ${o.summary}`, '', String(o.op.description ?? '').trim(), ''];
  const params = (o.op.parameters ?? []) as Json[];
  if (params.length) {
    lines.push('Parameters:', '');
    for (const p of params) {
      lines.push(`- \`${p.name}\` (${p.in}${p.required ? ', required' : ''}): ${schemaType(p.schema)}${p.description ? ` — ${p.description}` : ''}`);
    }
    lines.push('');
  }
  const body = o.op.requestBody?.content?.['application/json']?.schema as Json | undefined;
  if (body?.properties) {
    const required = new Set<string>(body.required ?? []);
    lines.push('Body (JSON):', '');
    for (const [name, s] of Object.entries(body.properties as Json)) {
      const desc = (s as Json).description ? ` — ${String((s as Json).description).replace(/\s+/g, ' ')}` : '';
      lines.push(`- \`${name}\`${required.has(name) ? ' (required)' : ''}: ${schemaType(s as Json)}${desc}`);
    }
    lines.push('');
  }
  const statuses = Object.entries(o.op.responses ?? {}).map(([status, r]) => {
    const codes = (r as Json).content?.['application/json']?.schema?.properties?.error?.properties?.code?.enum as string[] | undefined;
    return codes ? `${status} (${codes.join(', ')})` : status;
  });
  lines.push(`Responses: ${statuses.join('; ')}`, '');
  return lines;
}

export function llmsFullTxt(guides: Guide[], doc: Json): string {
  const lines = [...header(doc)];
  for (const g of guides) lines.push('---', '', `<!-- ${g.url} -->`, '', g.text.trim(), '');
  lines.push('---', '', '# MCP tools', '');
  for (const t of TOOLS) lines.push(`## ${t.name}`, '', `${t.title} (scope \`${t.scope}\`).`, '', t.description, '');
  lines.push('---', '', '# API reference', '', String(doc.info?.description ?? '').trim(), '');
  for (const [tag, list] of byTag(operationsOf(doc))) {
    lines.push(`## ${tag}`, '');
    for (const o of list) lines.push(...operationText(o));
  }
  return lines.join('\n');
}
