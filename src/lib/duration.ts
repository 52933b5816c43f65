/** Parses durations such as `30s`, `2m`, `1h`, `24h`, `7d` or a bare number of milliseconds. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw new Error(`invalid duration "${text}" (use e.g. 30s, 2m, 1h, 24h)`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 'ms']);
}
