/** `maitre report --restaurant S --from D --to D [--report NAME] [--json|--csv]`: the reports of docs/reports.md. */
import { parseArgs } from 'node:util';
import { toCsv } from '../modules/reports/csv.js';
import { allReportsQuerySchema, REPORT_NAMES, type ReportName } from '../modules/reports/schemas.js';
import { buildAll, buildSection, CSV_COLUMNS, REPORT_PATHS, reportContext } from '../modules/reports/service.js';
import { required, UsageError } from './args.js';
import type { CliContext } from './io.js';

export const REPORT_USAGE =
  `usage: maitre report --restaurant S --from YYYY-MM-DD --to YYYY-MM-DD [--report ${REPORT_NAMES.map((n) => REPORT_PATHS[n]).join('|')}] [--json|--csv]`;

const byPath = new Map(REPORT_NAMES.map((n) => [REPORT_PATHS[n], n] as const));

/** Rows as an aligned text table (numbers right-aligned, null as "-"). */
function table(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  if (!rows.length) return '  (no rows)';
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '-' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const numeric = columns.map((c) => rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const line = (vals: string[]) => '  ' + vals.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line([...columns]), ...cells.map(line)].join('\n');
}

function sectionText(name: ReportName, section: Record<string, unknown>): string {
  const extra = Object.entries(section).filter(([k]) => k !== 'rows').map(([k, v]) => `${k}: ${v ?? '-'}`);
  const title = `${REPORT_PATHS[name]}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  return `${title}\n${table(CSV_COLUMNS[name], section.rows as Record<string, unknown>[])}`;
}

export async function reportCommand({ db, io }: CliContext, argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        restaurant: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, report: { type: 'string' },
        json: { type: 'boolean', default: false }, csv: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${REPORT_USAGE}`);
  }
  const restaurant = required(values, 'restaurant');
  const range = allReportsQuerySchema.safeParse({ from: required(values, 'from'), to: required(values, 'to') });
  if (!range.success) throw new UsageError(range.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  if (values.json && values.csv) throw new UsageError(`--json and --csv exclude each other\n${REPORT_USAGE}`);
  let name: ReportName | undefined;
  if (values.report !== undefined) {
    name = byPath.get(values.report);
    if (!name) throw new UsageError(`unknown report "${values.report}"\n${REPORT_USAGE}`);
  }
  if (values.csv && !name) throw new UsageError(`--csv writes one report: name it with --report\n${REPORT_USAGE}`);

  const context = await reportContext(db, restaurant, range.data.from, range.data.to);
  if (name) {
    const section = await buildSection(db, name, context);
    if (values.csv) io.out(toCsv(CSV_COLUMNS[name], section.rows as unknown as Record<string, unknown>[]));
    else if (values.json) io.out(JSON.stringify({ ...context.header, ...section }) + '\n');
    else io.out(sectionText(name, section as unknown as Record<string, unknown>) + '\n');
    return;
  }
  const all = await buildAll(db, context);
  if (values.json) {
    io.out(JSON.stringify(all) + '\n');
    return;
  }
  const { restaurant: slug, timezone, from, to } = context.header;
  const parts = REPORT_NAMES.map((n) => sectionText(n, all[n] as unknown as Record<string, unknown>));
  io.out(`${slug} ${from}..${to} (${timezone})\n\n${parts.join('\n\n')}\n`);
}
