/**
 * The scale scenario (`--only scale`, PostgreSQL + Redis only): does throughput grow with instances on this machine,
 * and what bounds it. A second Maitre instance (the same build, database and Redis) joins the one under test, and two
 * nginx load balancers run in front — the configuration the scale suites test and deploy/nginx.conf ships
 * (test/scale/topology.ts nginxConfig: round robin over kept upstream connections): one with the first
 * instance only, one with both. Both paths pay the same proxy, so their ratio is what the second instance adds.
 *
 * For GET /v1/me, GET /availability and POST /reservations, the two are measured interleaved in `rounds` slices (as a
 * ceiling and its scenarios are, see scenarios.ts), and for every slice the CPU time of each process class is read
 * from /proc: the instances, nginx, this run's PostgreSQL backends (the process title names the database), every
 * Redis server, the load generator (this process), and the rest of the machine.
 * `--instance-cpus Q` caps each instance at Q cores for the scenario (bench/cpu-cap.ts), as if each had its own machine.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpuCap } from './cpu-cap.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nginxConfig } from '../test/scale/topology.js';
import { processJiffies, settle } from './cpu.js';
import { runLoad, runLoadRaw, summarise, type LoadResult, type RawLoad } from './load.js';
import type { Booking } from './plan.js';
import { freePort, startMaitre, type Running } from './processes.js';
import { availabilityEntry, getEntry, keysForRun, type Entry, type Settings } from './scenarios.js';
import { bookingBody, type KeyPool } from './seed.js';

/** CPU used during the measured slices, in cores (1 = one core busy all the time), by process class. */
export interface CpuShare {
  maitre: number;
  nginx: number;
  postgres: number;
  redis: number;
  loadGenerator: number;
  other: number;
  /** What was left idle of the machine's cores. */
  idle: number;
}

export interface ScaleRow extends LoadResult {
  scenario: string;
  instances: 1 | 2;
  keys: number;
  cpu: CpuShare;
  /** Each instance's share of the busy cores it used (two instances: how evenly nginx spread the load). */
  perInstanceCores: number[];
}

export interface ScaleResult {
  rows: ScaleRow[];
  /** Two instances' 2xx/s over one instance's, per scenario. */
  ratios: Record<string, number>;
  /** `--instance-cpus`: each instance's CPU quota in cores (bench/cpu-cap.ts); absent when uncapped. */
  instanceCpus?: number;
}

const JIFFIES_PER_SECOND = 100;

function machine(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0);
  return { busy, total: busy + f[3] + f[4] };
}

/** Jiffies by class for the processes that belong to the measurement (see the module comment). */
function snapshot(instances: number[], nginx: number[], database: string): Map<string, number> & { perInstance: number[] } {
  const out = new Map<string, number>() as Map<string, number> & { perInstance: number[] };
  const add = (k: string, j: number) => out.set(k, (out.get(k) ?? 0) + j);
  out.perInstance = instances.map((pid) => processJiffies(pid)?.jiffies ?? 0);
  for (const j of out.perInstance) add('maitre', j);
  for (const pid of nginx) add('nginx', processJiffies(pid)?.jiffies ?? 0);
  add('loadGenerator', processJiffies(process.pid)?.jiffies ?? 0);
  // A backend's title: `postgres: [cluster: ]user database host(port) state`.
  const dbTitle = new RegExp(`^postgres: (?:[^:\\s]+: )?\\S+ ${database} `);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = processJiffies(entry);
    if (!p) continue;
    if (p.comm === 'redis-server') add('redis', p.jiffies);
    else if (p.comm === 'postgres') {
      try {
        if (dbTitle.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))) add(`pg:${entry}`, p.jiffies);
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

function cpuOf(windows: { before: ReturnType<typeof snapshot>; after: ReturnType<typeof snapshot>; m0: ReturnType<typeof machine>; m1: ReturnType<typeof machine> }[], cores: number): { cpu: CpuShare; perInstance: number[] } {
  const sum = { maitre: 0, nginx: 0, postgres: 0, redis: 0, loadGenerator: 0, busy: 0, total: 0 };
  const perInstance: number[] = [];
  for (const w of windows) {
    for (const [k, v] of w.after) {
      const d = Math.max(0, v - (w.before.get(k) ?? 0)); // a backend born during the slice counts whole
      if (k.startsWith('pg:')) sum.postgres += d;
      else if (k in sum) sum[k as 'maitre'] += d;
    }
    w.after.perInstance.forEach((j, i) => (perInstance[i] = (perInstance[i] ?? 0) + Math.max(0, j - (w.before.perInstance[i] ?? 0))));
    sum.busy += w.m1.busy - w.m0.busy;
    sum.total += w.m1.total - w.m0.total;
  }
  const seconds = sum.total / cores / JIFFIES_PER_SECOND || 1;
  const c = (j: number) => Math.round((j / JIFFIES_PER_SECOND / seconds) * 100) / 100;
  const own = sum.maitre + sum.nginx + sum.postgres + sum.redis + sum.loadGenerator;
  return {
    cpu: {
      maitre: c(sum.maitre), nginx: c(sum.nginx), postgres: c(sum.postgres), redis: c(sum.redis), loadGenerator: c(sum.loadGenerator),
      other: c(Math.max(0, sum.busy - own)), idle: c(Math.max(0, sum.total - sum.busy)),
    },
    perInstance: perInstance.map(c),
  };
}

interface Balancer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function startNginx(dir: string, upstreams: number[]): Promise<Balancer> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, port, upstreams));
  const child = spawn('/usr/sbin/nginx', ['-p', `${dir}/`, '-c', conf, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}: ${readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error('nginx did not proxy /healthz within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, pid: child.pid!,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGQUIT');
    }),
  };
}

/** Bookings continue the run's plan where the booking scenario left it (every planned booking is made once). */
export interface PlanCursor {
  next: number;
}

function bookingEntryAt(url: string, pid: number, slug: string, plan: Booking[], keys: string[], cursor: PlanCursor): Entry {
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  return {
    name: 'POST /reservations', target: { url, pid }, keys: keys.length,
    requests: [{
      method: 'POST',
      path: `/v1/restaurants/${slug}/reservations`,
      setupRequest: (req) => {
        const n = cursor.next++;
        return { ...req, headers: { 'content-type': 'application/json', ...auth(keys[n % keys.length]) }, body: bookingBody(plan[n % plan.length], 2_000_000 + n) };
      },
    }],
  };
}

export interface ScaleOptions {
  /** The instance the rest of the run measures (the first of the two). */
  first: Running;
  env: NodeJS.ProcessEnv;
  /** The database the instances use (its backends' CPU is counted). */
  database: string;
  slug: string;
  today: string;
  pool: KeyPool;
  settings: Settings;
  plan: Booking[];
  cursor: PlanCursor;
  log: (msg: string) => void;
  /** Cap each instance at this many cores (bench/cpu-cap.ts) for the scenario. */
  instanceCpus?: number;
}

export async function runScale(o: ScaleOptions): Promise<ScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'maitre-bench-scale-'));
  const started: { stop(): Promise<void> }[] = [];
  const cores = readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length || 1;
  try {
    o.log('scale: starting a second instance and two nginx load balancers (one instance / both)');
    const second = await startMaitre(o.env);
    started.push(second);
    if (o.instanceCpus !== undefined) {
      const cap = cpuCap(o.instanceCpus);
      // Released before the instances stop: the first one serves the rest of the run uncapped.
      started.push({ stop: async () => cap.release() });
      cap.add(o.first.pid);
      cap.add(second.pid);
      o.log(`scale: each instance capped at ${o.instanceCpus} cores`);
    }
    const one = await startNginx(join(dir, 'one'), [o.first.port]);
    started.push(one);
    const two = await startNginx(join(dir, 'two'), [o.first.port, second.port]);
    started.push(two);
    const instancePids = [o.first.pid, second.pid];
    const nginxPids = [one.pid, two.pid];
    // The key budget's upper bound: what the proxy in front of both instances serves for a bare /healthz.
    const health = [{ path: '/healthz' }];
    await runLoad({ url: two.url, connections: o.settings.connections, duration: 1, requests: health });
    const maxRps = (await runLoad({ url: two.url, connections: o.settings.connections, duration: 2, requests: health })).rps;

    const rows: ScaleRow[] = [];
    const scenarios: { name: string; build: (via: Balancer, keys: string[]) => Entry }[] = [
      { name: 'GET /v1/me', build: (via, keys) => getEntry('GET /v1/me', { url: via.url, pid: o.first.pid }, '/v1/me', keys) },
      { name: 'GET /availability', build: (via, keys) => availabilityEntry({ url: via.url, pid: o.first.pid }, o.slug, o.today, keys) },
      { name: 'POST /reservations', build: (via, keys) => bookingEntryAt(via.url, o.first.pid, o.slug, o.plan, keys, o.cursor) },
    ];
    for (const s of scenarios) {
      const entries = await Promise.all([one, two].map(async (via) => s.build(via, await keysForRun(o.pool, o.settings, maxRps))));
      for (const [i, e] of entries.entries()) {
        o.log(`scale: warming ${s.name} through ${i + 1} instance(s)`);
        await runLoad({ url: e.target.url, connections: o.settings.connections, duration: o.settings.warmup, requests: e.requests });
      }
      const slices = entries.map(() => ({ raw: [] as RawLoad[], cpu: [] as Parameters<typeof cpuOf>[0] }));
      for (let round = 0; round < o.settings.rounds; round++) {
        o.log(`scale: round ${round + 1}/${o.settings.rounds}: ${s.name} through one instance, then two`);
        for (const [i, e] of entries.entries()) {
          const before = snapshot(instancePids, nginxPids, o.database);
          const m0 = machine();
          const raw = await runLoadRaw({ url: e.target.url, connections: o.settings.connections, duration: o.settings.duration / o.settings.rounds, requests: e.requests });
          raw.seconds += Math.max(await settle(o.first.pid), await settle(second.pid)); // deferred work (usage batches) belongs to the slice
          slices[i].cpu.push({ before, after: snapshot(instancePids, nginxPids, o.database), m0, m1: machine() });
          slices[i].raw.push(raw);
        }
      }
      entries.forEach((e, i) => {
        const { cpu, perInstance } = cpuOf(slices[i].cpu, cores);
        rows.push({ scenario: s.name, instances: (i + 1) as 1 | 2, keys: e.keys, ...summarise(slices[i].raw), cpu, perInstanceCores: perInstance });
      });
    }
    const ratios: Record<string, number> = {};
    for (const s of scenarios) {
      const [a, b] = rows.filter((r) => r.scenario === s.name);
      ratios[s.name] = a.okRps ? Math.round((b.okRps / a.okRps) * 100) / 100 : NaN;
    }
    return { rows, ratios, ...(o.instanceCpus !== undefined ? { instanceCpus: o.instanceCpus } : {}) };
  } finally {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

/** The scale table: one row per scenario and instance count, with the CPU each process class used (cores). */
export function scaleTable(s: ScaleResult): string[][] {
  const header = ['scenario', 'instances', '2xx/s', '× one', 'p50 ms', 'p99 ms', 'errors', 'Maitre', 'per instance', 'nginx', 'PostgreSQL', 'Redis', 'load gen.', 'other', 'idle'];
  return [header, ...s.rows.map((r) => [
    r.scenario, String(r.instances), fmt(r.okRps), r.instances === 2 ? `${fmt(s.ratios[r.scenario], 2)}×` : '–', fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.errors),
    fmt(r.cpu.maitre, 2), r.perInstanceCores.slice(0, r.instances).map((c) => fmt(c, 2)).join(' + '), fmt(r.cpu.nginx, 2), fmt(r.cpu.postgres, 2),
    fmt(r.cpu.redis, 2), fmt(r.cpu.loadGenerator, 2), fmt(r.cpu.other, 2), fmt(r.cpu.idle, 2),
  ])];
}
