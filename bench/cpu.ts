/**
 * How much of the machine was busy with something else while a scenario ran: other engineers' test suites on a shared
 * box distort every number, so each measured run records the CPU used by processes that are neither the server under
 * test, nor the load generator (this process), nor the database and Redis servers it talks to.
 */
import { readdirSync, readFileSync } from 'node:fs';

const SUPPORTING = new Set(['postgres', 'redis-server']);
/** USER_HZ: the unit of /proc CPU times on Linux. */
const JIFFIES_PER_SECOND = 100;

function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  const busy = user + nice + system + irq + softirq + (steal ?? 0);
  return { busy, total: busy + idle + iowait };
}

export function processJiffies(pid: number | string): { comm: string; jiffies: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const rest = stat.slice(close + 2).split(' ');
    return { comm, jiffies: Number(rest[11]) + Number(rest[12]) }; // utime + stime (fields 14 and 15)
  } catch {
    return null; // exited meanwhile
  }
}

/** CPU jiffies, by pid, of the processes that belong to the measurement: the server, this one, database and Redis. */
function ownJiffies(serverPid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of [serverPid, process.pid]) {
    const p = processJiffies(pid);
    if (p) out.set(pid, p.jiffies);
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || out.has(Number(entry))) continue;
    const p = processJiffies(entry);
    if (p && SUPPORTING.has(p.comm)) out.set(Number(entry), p.jiffies);
  }
  return out;
}

/** CPU used between two snapshots; a process born in between counts whole, one that exited is lost (undercounted). */
function delta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, j] of after) sum += Math.max(0, j - (before.get(pid) ?? 0));
  return sum;
}

/** CPU time of one measurement window, in jiffies of all cores together. */
export interface CpuWindow {
  /** Used by unrelated processes. */
  other: number;
  /** Used by the server, the load generator, the database and Redis. */
  own: number;
  total: number;
}

/** Starts a measurement window; the returned function ends it. */
export function cpuWindow(serverPid: number): () => CpuWindow {
  const m0 = machineJiffies();
  const o0 = ownJiffies(serverPid);
  return () => {
    const m1 = machineJiffies();
    const busy = m1.busy - m0.busy;
    const own = Math.min(delta(o0, ownJiffies(serverPid)), busy);
    return { own, other: Math.max(0, busy - own), total: m1.total - m0.total };
  };
}

/** Share of the machine used by unrelated processes over several windows, percent. */
export function otherPercent(windows: CpuWindow[]): number {
  const total = windows.reduce((a, w) => a + w.total, 0) || 1;
  return Math.round((windows.reduce((a, w) => a + w.other, 0) / total) * 1000) / 10;
}

/**
 * Waits until a server has finished the work its last load left behind (batched usage rows, queued events), and
 * returns how long it stayed busy, in seconds: a slice is charged that time, as the work belongs to its requests.
 * Busy means more than 10 % of a core over 100 ms; gives up after `maxMs`.
 */
export async function settle(pid: number, maxMs = 5000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const before = processJiffies(pid)?.jiffies ?? 0;
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 100));
    const used = ((processJiffies(pid)?.jiffies ?? 0) - before) * (1000 / JIFFIES_PER_SECOND);
    if (used <= 0.1 * (Date.now() - t0)) return (t0 - start) / 1000;
    if (Date.now() - start >= maxMs) return (Date.now() - start) / 1000;
  }
}
