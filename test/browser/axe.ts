/**
 * axe-core in the page under test: the rule violations it finds (WCAG 2 A/AA and best practices), as plain data.
 * The script is evaluated through the DevTools protocol, so the dashboard's strict CSP (no inline script) stays on.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * The violations on the page as it is now (open dialogs, shadow DOM included). `include`: check only this element
 * (a widget embedded in someone else's page); `disable`: rules that are the host page's business, not the widget's.
 */
export async function axeViolations(page: Page, options: { include?: string; disable?: string[] } = {}): Promise<Violation[]> {
  // The element to check may still be arriving (a part of a page fetched on demand): axe would find nothing.
  if (options.include) await page.locator(options.include).first().waitFor({ timeout: 30_000 });
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE);
  return page.evaluate(async ({ include, disable }) => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    // (In the page: the root tsconfig has no DOM library, hence the casts.)
    const page = globalThis as unknown as { axe: { run(context: unknown, options: object): Promise<Result> }; document: unknown };
    const rules = Object.fromEntries((disable ?? []).map((id) => [id, { enabled: false }]));
    const result = await page.axe.run(include ?? page.document, { resultTypes: ['violations'], rules });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  }, options);
}
