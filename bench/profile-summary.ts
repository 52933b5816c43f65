/**
 * Summarises a V8 .cpuprofile (what `node --cpu-prof` writes): self time per function and per package.
 *
 *   node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ROOT } from './processes.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  where: string;
  group: string;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  /** Whether only the samples of the load window were counted (else the whole profile, start-up included). */
  windowed: boolean;
  totalMs: number;
  idleMs: number;
  busyMs: number;
  top: ProfileLine[];
  groups: { group: string; selfMs: number; percent: number }[];
}

function shortPath(url: string): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const rel = path.startsWith(ROOT) ? relative(ROOT, path) : path;
  const nm = rel.lastIndexOf('node_modules/');
  return nm >= 0 ? rel.slice(nm + 'node_modules/'.length) : rel;
}

/** Which package or part of the program a frame belongs to. */
function groupOf(name: string, url: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(idle)' || name === '(root)') return name;
  if (!url) return 'V8 builtins / native';
  if (url.startsWith('node:')) return 'node core';
  const path = shortPath(url);
  if (!path.startsWith('/') && url.includes('node_modules/')) {
    const parts = path.split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (path.startsWith('dist/')) return `maitre ${path.split('/').slice(1, -1).join('/') || '.'}`;
  return path;
}

/**
 * `windows` ([from, to] pairs in µs of the monotonic clock, i.e. process.hrtime() / 1000 in any process of this
 * machine, which is V8's profile clock too) keep only the samples taken then, e.g. under one scenario's load.
 */
export function summarise(file: string, top = 25, windows?: [number, number][]): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const windowed = windows !== undefined && windows.length > 0 && windows.every(([a, b]) => a >= profile.startTime && b <= profile.endTime);
  const inWindow = (t: number) => windows!.some(([a, b]) => t >= a && t <= b);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (windowed && !inWindow(t)) continue;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + delta);
  }
  const functions = new Map<string, ProfileLine>();
  const groups = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    total += us;
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const where = url ? `${shortPath(url)}:${lineNumber + 1}` : '';
    const group = groupOf(name, url);
    const key = `${name} ${where}`;
    const line = functions.get(key) ?? { name, where, group, selfMs: 0, percent: 0 };
    line.selfMs += us / 1000;
    functions.set(key, line);
    groups.set(group, (groups.get(group) ?? 0) + us / 1000);
  }
  const busyMs = (total - idle) / 1000;
  const pct = (ms: number) => Math.round((ms / busyMs) * 1000) / 10;
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    file,
    windowed,
    totalMs: round(total / 1000),
    idleMs: round(idle / 1000),
    busyMs: round(busyMs),
    top: [...functions.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
      .map((l) => ({ ...l, selfMs: round(l.selfMs), percent: pct(l.selfMs) })),
    groups: [...groups.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([group, ms]) => ({ group, selfMs: round(ms), percent: pct(ms) })),
  };
}

export function formatSummary(s: ProfileSummary, groups = 12): string {
  const lines = [
    `${relative(ROOT, s.file)}: ${s.totalMs} ms sampled${s.windowed ? ' under load' : ' (whole process, start-up included)'}, ${s.idleMs} ms idle, ${s.busyMs} ms busy`,
    '  self %  self ms  function (where)',
    ...s.top.map((l) => `  ${l.percent.toFixed(1).padStart(6)}  ${l.selfMs.toFixed(0).padStart(7)}  ${l.name}${l.where ? ` (${l.where})` : ''}`),
    '  by package / part:',
    ...s.groups.slice(0, groups).map((g) => `  ${g.percent.toFixed(1).padStart(6)}  ${g.selfMs.toFixed(0).padStart(7)}  ${g.group}`),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  if (positionals.length === 0) throw new Error('usage: profile-summary.ts FILE.cpuprofile [--top N]');
  for (const file of positionals) console.log(formatSummary(summarise(file, Number(values.top))) + '\n');
}
