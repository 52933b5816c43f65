/** The scopes of API.md §2. */
export const SCOPES = [
  'config:read',
  'availability:read',
  'reservations:read',
  'reservations:write',
  'reservations:cancel',
  'waitlist:write',
  'customers:read',
  'customers:write',
  'webhooks:test',
  'webhooks:write',
] as const;

export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'config:read': 'Restaurant profile, areas, tables, services and booking policy',
  'availability:read': 'Free slots, opening hours and events',
  'reservations:read': 'Read reservations and the waitlist',
  'reservations:write': 'Create and change reservations',
  'reservations:cancel': 'Cancel reservations',
  'waitlist:write': 'Create waitlist entries',
  'customers:read': 'Read guest profiles',
  'customers:write': 'Create and update guest profiles',
  'webhooks:test': 'Dispatch a signed test event',
  'webhooks:write': 'Manage webhook endpoints',
};

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}

/** Parses `a,b` or `all` (CLI) into scopes; throws on an unknown one. */
export function parseScopeList(text: string): Scope[] {
  if (text.trim() === 'all') return [...SCOPES];
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of list) if (!isScope(s)) throw new Error(`unknown scope "${s}" (known: ${SCOPES.join(', ')}, or all)`);
  return [...new Set(list)] as Scope[];
}
