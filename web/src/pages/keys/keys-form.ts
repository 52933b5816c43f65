/** Client-side checks of the key form (the server checks again; these give the message next to the field). */
import { SCOPES, type Scope } from '../../types';

export interface Preset {
  label: string;
  scopes: readonly Scope[];
  /** A key for an AI agent: the dialog shows how to connect an MCP client to /mcp with it. */
  agent?: boolean;
}

/**
 * What an AI agent needs to book for a guest over MCP (/mcp): the restaurant's profile and hours, availability, its
 * bookings to look up, book, reschedule and cancel, and the waitlist. Nothing about other guests or webhooks.
 */
export const AGENT_SCOPES: readonly Scope[] = [
  'config:read', 'availability:read', 'reservations:read', 'reservations:write', 'reservations:cancel', 'waitlist:write',
];

export const PRESETS: Preset[] = [
  { label: 'Read', scopes: SCOPES.filter((s) => s.endsWith(':read')) },
  { label: 'Write', scopes: SCOPES },
  { label: 'Booking widget', scopes: ['config:read', 'availability:read', 'reservations:write'] },
  { label: 'AI agent (MCP)', scopes: AGENT_SCOPES, agent: true },
];

/** Each non-empty line must be an origin: scheme://host[:port], http or https, nothing after it. */
export function parseOrigins(text: string): { origins: string[]; error: string | null } {
  const origins: string[] = [];
  for (const raw of text.split(/[\n,]+/)) {
    const line = raw.trim().replace(/\/+$/, '');
    if (!line) continue;
    let ok = false;
    try {
      const u = new URL(line);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.origin.toLowerCase() === line.toLowerCase();
    } catch {
      ok = false;
    }
    if (!ok) return { origins, error: `"${raw.trim()}" is not an origin (expected e.g. https://example.com or http://localhost:8080)` };
    origins.push(line.toLowerCase());
  }
  return { origins: [...new Set(origins)], error: null };
}

export function rateLimitError(value: string): string | null {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > 1000) return 'Enter a whole number from 1 to 1000.';
  return null;
}

/** A datetime-local value as an ISO instant, or an error if it is not in the future. */
export function expiryOf(value: string, now = Date.now()): { iso: string | null; error: string | null } {
  if (!value) return { iso: null, error: null };
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) return { iso: null, error: 'Enter a date and time.' };
  if (t <= now) return { iso: null, error: 'The expiry must be in the future.' };
  return { iso: new Date(t).toISOString(), error: null };
}

export const GRACE_CHOICES: { label: string; seconds: number | undefined }[] = [
  { label: 'Until I revoke it', seconds: undefined },
  { label: '1 hour', seconds: 3600 },
  { label: '24 hours', seconds: 86_400 },
  { label: '7 days', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
  { label: 'No grace: stop it now', seconds: 0 },
];
