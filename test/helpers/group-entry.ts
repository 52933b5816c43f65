/**
 * The main pass's entry modules (scripts/test.ts) call this: each test file is imported inside a suite named after
 * it, so its top-level before/after hooks belong to that suite (node:test attaches them to the suite being built),
 * run around its own tests only, and its tests are reported under its name. The files run one after the other.
 */
import { describe } from 'node:test';

export function suites(files: { name: string; url: string }[]): void {
  for (const f of files) {
    describe(f.name, async () => {
      await import(f.url);
    });
  }
}
