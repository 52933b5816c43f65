/**
 * The restaurant configuration file (API.md §8): its shape (config-shape.ts: zod schema, defaults, types),
 * cross-reference checks (config-checks.ts) and canonical form (config-normalize.ts). parseRestaurantConfig() is the
 * one entry point (CLI import, service create/replace, tests); its issues carry dotted paths with indexes
 * (`tables.3.area`) and messages that name the offending value.
 */
import type { z } from 'zod';
import { checkConfig, type ConfigIssue } from './config-checks.js';
import { normalizeConfig } from './config-normalize.js';
import { restaurantConfigSchema, show, type RestaurantConfig } from './config-shape.js';

export * from './config-shape.js';
export type { ConfigIssue } from './config-checks.js';

/** Messages that name the value: zod's defaults say what was expected but not what was given. */
function messageFor(iss: z.core.$ZodRawIssue): string | undefined {
  const input = iss.input;
  switch (iss.code) {
    case 'invalid_type':
      if (input === undefined) return 'is required';
      return `expected ${iss.expected === 'int' ? 'a whole number' : iss.expected}, got ${show(input)}`;
    case 'invalid_value':
      return `${show(input)} is not one of ${iss.values.map((v) => show(v)).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const limit = iss.code === 'too_small' ? iss.minimum : iss.maximum;
      const word = iss.code === 'too_small' ? 'at least' : 'at most';
      if (iss.origin === 'array') return `must have ${word} ${limit} item(s), got ${(input as unknown[]).length}`;
      if (iss.origin === 'string' && iss.code === 'too_small' && limit === 1) return 'must not be empty';
      if (iss.origin === 'string') return `must be ${word} ${limit} character(s) long, got ${show(input)}`;
      return `must be ${word} ${limit}, got ${show(input)}`;
    }
    case 'invalid_format':
      return `${show(input)} is not a valid ${iss.format === 'url' ? 'http(s) URL' : iss.format}`;
    default:
      return undefined;
  }
}

function toIssues(issues: z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((iss) => {
    if (iss.code === 'unrecognized_keys') {
      return iss.keys.map((k) => ({ path: [...iss.path, k].join('.'), message: `unknown field ${show(k)}` }));
    }
    return [{ path: iss.path.map(String).join('.'), message: iss.message }];
  });
}

export type ParseResult = { ok: true; config: RestaurantConfig } | { ok: false; issues: ConfigIssue[] };

/** Validates a configuration file (already JSON-parsed) and returns it in canonical form, or every issue found. */
export function parseRestaurantConfig(input: unknown): ParseResult {
  const parsed = restaurantConfigSchema.safeParse(input, { error: messageFor });
  if (!parsed.success) return { ok: false, issues: toIssues(parsed.error.issues) };
  const issues = checkConfig(parsed.data);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, config: normalizeConfig(parsed.data) };
}
