/**
 * The run's output: one aligned table on stdout, the JSON file under bench/results/, and (with --docs) the engine's
 * results block in docs/benchmarks.md, between `<!-- bench:ENGINE -->` and `<!-- /bench:ENGINE -->`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ContendedCase, Measured } from './scenarios.js';
import type { SeedResult } from './seed.js';
import { scaleTable, type ScaleResult } from './scale.js';
import { reportTimingRows, type ReportSeed, type ReportTiming } from './reports.js';

export interface Row extends Measured {
  ceiling?: 'A' | 'B' | 'C';
  /** Requests per second as a share of the ceiling's. */
  ratio?: number;
  target?: number;
}

export interface TargetCheck {
  name: string;
  value: string;
  target: string;
  met: boolean;
  /** False when the target is set for the other engine (reported for information). */
  applies: boolean;
}

export interface KeyVerification {
  iterations: number;
  /** verifyKey() of src/http/auth.ts, warm cache. */
  usPerVerification: number;
  /** The whole authenticateKey(), in-memory limiter included. */
  usPerAuthenticateKey: number;
}

export interface GuestEmail {
  iterations: number;
  /** render() of a confirmation, a start time never seen before each call. */
  usPerNewInstant: number;
  /** The same, over 40 instants again and again. */
  usPerRepeatedInstant: number;
}

export interface Results {
  startedAt: string;
  /** How to run it again (passwords in URLs redacted). */
  command: string;
  totalSeconds: number;
  engine: 'embedded' | 'postgres';
  engineVersion: string;
  redis: boolean;
  profiled: boolean;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; os: string };
  loadAverage: { start: number[]; end: number[] };
  settings: { duration: number; warmup: number; connections: number; rounds: number };
  seed: SeedResult;
  rows: Row[];
  contended: ContendedCase[];
  /** The server's RSS once started (idle, caches cold), MB. */
  idleRssMb: number | null;
  /** Highest RSS sampled every 250 ms while the scenarios ran, MB. */
  loadPeakRssMb: number;
  /** The same, per stage of the run (a ceiling's group, contended, scale), MB; absent in older results files. */
  peakRssByStageMb?: Record<string, number>;
  /** Embedded set-up: highest PSS of the server and its PostgreSQL together, sampled likewise, MB. */
  loadPeakTreeMb?: number;
  /** VmHWM at the end: the peak over the server's whole life (start-up and the admin login's scrypt included), MB. */
  lifetimePeakRssMb: number | null;
  keyVerification: KeyVerification | null;
  /** Absent in results written before the guest email micro-benchmark. */
  guestEmail?: GuestEmail | null;
  /** --only reports: the seeded year, each report route's timings over it, and the memory peaks while they ran. */
  reports?: { seed: ReportSeed; timings: ReportTiming[]; peakRssMb?: number; peakTreeMb?: number };
  keysCreated: number;
  targets: TargetCheck[];
  profiles?: Record<string, string>;
  profileFile?: string;
  /** Two instances behind nginx against one (bench/scale.ts). */
  scale?: ScaleResult;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

function tableRows(r: Results): string[][] {
  const header = ['scenario', '2xx/s', 'p50 ms', 'p99 ms', 'errors', '429', 'keys', 'SQL/req', 'other CPU', 'vs ceiling', 'target'];
  const rows = r.rows.map((x) => [
    x.name,
    fmt(x.okRps),
    fmt(x.p50, 2),
    fmt(x.p99, 2),
    fmt(x.errors),
    fmt(x.rateLimited),
    x.keys ? fmt(x.keys) : '–',
    x.statements !== undefined ? fmt(x.statements, Number.isInteger(x.statements) ? 0 : 1) : x.name === 'ceiling B' ? '1' : x.name === 'ceiling C' ? '3' : x.name === 'ceiling A' ? '0' : '–',
    `${fmt(x.otherCpuPercent)} %`,
    x.ratio !== undefined ? `${fmt(x.ratio * 100, 1)} % of ${x.ceiling}` : '–',
    x.target !== undefined ? `≥ ${fmt(x.target * 100)} %` : '–',
  ]);
  return [header, ...rows];
}

const scaleTitle = (s: ScaleResult) =>
  `Scale: one instance against two behind nginx, same proxy, same PostgreSQL and Redis (bench/scale.ts)${s.instanceCpus !== undefined ? `, each instance capped at ${s.instanceCpus} cores` : ''}`;

function aligned(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

function markdownTable(rows: string[][]): string {
  const [header, ...body] = rows;
  return [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...body.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** The MCP tool call against the REST route it wraps, both measured in the same ceiling-B group. */
function mcpLine(r: Results): string | null {
  const mcp = r.rows.find((x) => x.name.startsWith('MCP '));
  const rest = r.rows.find((x) => x.name === 'GET /availability');
  if (!mcp || !rest || !rest.okRps) return null;
  return `MCP find_availability (POST /mcp tools/call) serves ${((mcp.okRps / rest.okRps) * 100).toFixed(1)} % of what REST GET /availability serves (same dates, sizes and keys, same run)`;
}

/** Null when no load ran (a run of micro-benchmarks only): there is no peak under load to report. */
function memoryLine(r: Results): string | null {
  if (!(r.loadPeakRssMb > 0)) return null;
  return `server RSS under load (peak of 250 ms samples): ${r.loadPeakRssMb} MB; idle after start ${r.idleRssMb ?? '?'} MB; ` +
    `VmHWM over its whole life ${r.lifetimePeakRssMb ?? '?'} MB` +
    (r.peakRssByStageMb && Object.keys(r.peakRssByStageMb).length
      ? ` (peak by stage: ${Object.entries(r.peakRssByStageMb).map(([name, mb]) => `${name} ${mb}`).join(', ')} MB)`
      : '') +
    (r.loadPeakTreeMb !== undefined ? `; server + embedded PostgreSQL (PSS) under load: ${r.loadPeakTreeMb} MB` : '') +
    (r.reports?.peakRssMb ? `; while the reports ran (sampled apart): server ${r.reports.peakRssMb} MB` +
      (r.reports.peakTreeMb !== undefined ? `, with the embedded PostgreSQL (PSS) ${r.reports.peakTreeMb} MB` : '') : '');
}

function contendedLine(c: ContendedCase): string {
  const refused = Object.entries(c.refused).map(([code, n]) => `${n}× ${code}`).join(', ') || 'none';
  return `${c.pass ? 'PASS' : 'FAIL'} ${c.label}: ${c.requests} concurrent bookings of ${c.partySize} at ${c.date} ${c.time}, capacity ${c.expected}: ` +
    `${c.created} created (${c.listed} listed afterwards), refused ${refused}` +
    (c.p99 !== undefined ? `; answered in p50 ${c.p50!.toFixed(1)} / p99 ${c.p99.toFixed(1)} / max ${c.max!.toFixed(1)} ms (50 connections)` : '');
}

function targetLine(t: TargetCheck): string {
  return `${t.applies ? (t.met ? 'met   ' : 'MISSED') : 'info  '} ${t.name}: ${t.value} (target ${t.target}${t.applies ? '' : ', set for the other engine'})`;
}

function reportsLine(s: ReportSeed): string {
  return `reports over ${s.from}..${s.to}: ${s.reservations.toLocaleString('en-US')} past bookings ` +
    `(${s.beforeRange.toLocaleString('en-US')} of them before the range), ${s.history.toLocaleString('en-US')} history rows and ` +
    `${s.waitlist.toLocaleString('en-US')} waitlist entries seeded in ${s.seconds} s; each route warm, one request at a time`;
}

/** Warns when unrelated processes took a noticeable share of the machine, or the limiter refused requests. */
export function noiseWarning(r: Results): string | null {
  const noisy = r.rows.filter((x) => x.otherCpuPercent > 10);
  const limited = r.rows.filter((x) => x.rateLimited > 0);
  const out = [
    ...(noisy.length
      ? [`WARNING: other processes used more than 10 % of the machine during ${noisy.map((x) => `${x.name} (${x.otherCpuPercent} %)`).join(', ')}: ` +
          'those numbers (and the ratios built on them) are distorted; re-run on a quiet machine.']
      : []),
    ...(limited.length
      ? [`WARNING: the rate limiter refused requests of ${limited.map((x) => `${x.name} (${x.rateLimited})`).join(', ')}: too few keys for the rate ` +
          'reached (sized from a short probe of the ceiling); the 429s are left out of 2xx/s.']
      : []),
  ];
  return out.length ? out.join(' ') : null;
}

function guestEmailLine(g: GuestEmail): string {
  return `guest email rendering (render() of a confirmation with its .ics, CPU): ${g.usPerNewInstant} µs a call for a start time never seen before, ` +
    `${g.usPerRepeatedInstant} µs for one seen before (${g.iterations.toLocaleString('en-US')} calls each)`;
}

export function formatText(r: Results): string {
  const kv = r.keyVerification;
  const warning = noiseWarning(r);
  return [
    `Maitre benchmark — ${r.engineVersion}${r.redis ? ' + Redis' : ''}${r.profiled ? ' (PROFILED: slower than normal)' : ''}`,
    `${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGb} GB, Node ${r.machine.node}; load average ${r.loadAverage.start.join(' ')} at start, ${r.loadAverage.end.join(' ')} at end`,
    `${r.settings.connections} connections; per scenario ${r.settings.warmup} s warm-up + ${r.settings.duration} s measured in ${r.settings.rounds} slices interleaved with its ceiling; ` +
      `${r.seed.reservations} existing reservations (${r.seed.customers} guests) seeded in ${r.seed.seconds} s`,
    ...(r.rows.length > 0 ? ['', aligned(tableRows(r))] : []),
    ...(warning ? ['', warning] : []),
    '',
    ...r.contended.map(contendedLine),
    ...(memoryLine(r) ? [memoryLine(r)!] : []),
    ...(kv ? [`key verification (warm cache, verifyKey): ${kv.usPerVerification} µs; the whole authenticateKey() with the in-memory limiter: ${kv.usPerAuthenticateKey} µs`] : []),
    ...(r.guestEmail ? [guestEmailLine(r.guestEmail)] : []),
    ...(mcpLine(r) ? [mcpLine(r)!] : []),
    ...(r.scale ? ['', `${scaleTitle(r.scale)}:`, aligned(scaleTable(r.scale))] : []),
    ...(r.reports ? ['', reportsLine(r.reports.seed), aligned(reportTimingRows(r.reports.timings))] : []),
    '',
    ...r.targets.map(targetLine),
  ].join('\n');
}

export function formatMarkdown(r: Results, jsonFile: string): string {
  const kv = r.keyVerification;
  return [
    `Run of ${r.startedAt} (${Math.round(r.totalSeconds)} s end to end, build included): **${r.engineVersion}${r.redis ? ' + Redis' : ''}**, ` +
      `${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.machine.os}. ` +
      `Load average ${r.loadAverage.start.join(' / ')} at start, ${r.loadAverage.end.join(' / ')} at end. ` +
      `${r.settings.connections} connections; per scenario ${r.settings.warmup} s warm-up + ${r.settings.duration} s measured in ${r.settings.rounds} slices interleaved with its ceiling; ` +
      `${r.seed.reservations} existing reservations; ${r.keysCreated} API keys. Raw results: \`${jsonFile}\`.`,
    '',
    `Reproduce: \`${r.command}\``,
    '',
    ...(r.rows.length > 0 ? [markdownTable(tableRows(r)), ''] : []),
    ...(noiseWarning(r) ? [`> ${noiseWarning(r)}`, ''] : []),
    ...r.contended.map((c) => `- ${contendedLine(c)}`),
    ...(mcpLine(r) ? [`- ${mcpLine(r)}.`] : []),
    ...(memoryLine(r) ? [`- ${memoryLine(r)}.`] : []),
    ...(kv
      ? [`- Key verification, warm cache (\`verifyKey\` of src/http/auth.ts, ${kv.iterations.toLocaleString('en-US')} calls): **${kv.usPerVerification} µs**; ` +
          `the whole \`authenticateKey()\` with the in-memory limiter and headers: ${kv.usPerAuthenticateKey} µs.`]
      : []),
    ...(r.guestEmail ? [`- ${guestEmailLine(r.guestEmail)}.`] : []),
    ...(r.scale ? ['', `${scaleTitle(r.scale)} (CPU in cores of the ${r.machine.cpus}, over the measured slices):`, '', markdownTable(scaleTable(r.scale))] : []),
    ...(r.reports ? ['', `${reportsLine(r.reports.seed)}:`, '', markdownTable(reportTimingRows(r.reports.timings))] : []),
    '',
    '| target | measured | goal | |',
    '|---|---:|---:|---|',
    ...r.targets.map((t) => `| ${t.name} | ${t.value} | ${t.target} | ${t.applies ? (t.met ? 'met' : '**missed**') : 'n/a on this engine'} |`),
  ].join('\n');
}

/** Replaces the engine's block in docs/benchmarks.md (appends one when the markers are missing). */
export function updateDocs(file: string, engine: string, markdown: string): void {
  const open = `<!-- bench:${engine} -->`;
  const close = `<!-- /bench:${engine} -->`;
  const block = `${open}\n${markdown}\n${close}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  const next = start >= 0 && end > start ? text.slice(0, start) + block + text.slice(end + close.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
