/** The scopes of API.md §2 and what each grants: kept in src/shared/constants.ts, which the dashboard imports too. */
import { SCOPES, type Scope } from '../../shared/constants.js';

export { SCOPES, SCOPE_DESCRIPTIONS, type Scope } from '../../shared/constants.js';

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
