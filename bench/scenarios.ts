/**
 * The measured scenarios and the ceilings they are compared with.
 *
 * A ceiling and its scenarios form a group that is measured interleaved: after one warm-up each, the measured time is
 * cut into rounds (ceiling slice, scenario slice, ..., again), and each one's slices are added up. A background load
 * that comes and goes then weighs on the ceiling and on the scenarios alike, so their ratio stays meaningful. After
 * each slice the harness waits for the server to go idle and charges the time it stayed busy (batched usage rows
 * being written, ...) to that slice: deferred work counts against the scenario that caused it, not the next one.
 * Each scenario uses fresh API keys, enough that the per-key limiter (1,000 a minute) admits its whole load: any 429
 * is counted apart from the other errors.
 */
import { cpuWindow, otherPercent, processJiffies, settle, type CpuWindow } from './cpu.js';
import { runLoad, runLoadRaw, summarise, type LoadRequest, type LoadResult, type RawLoad } from './load.js';
import { addDays, type Booking, type Planner } from './plan.js';
import { startCeiling, type Running } from './processes.js';
import { bookingBody, KeyPool, keysFor } from './seed.js';

export interface Settings {
  duration: number;
  warmup: number;
  connections: number;
  /** Measured slices per scenario (the duration is split between them). */
  rounds: number;
}

export interface Measured extends LoadResult {
  name: string;
  keys: number;
  /** SQL statements one request makes (bench/statements.ts). */
  statements?: number;
  /** Share of the machine used by unrelated processes during the measured slices, percent (see cpu.ts). */
  otherCpuPercent: number;
  /** The measured slices, µs of the monotonic clock (to cut a CPU profile). */
  windows: [number, number][];
  /**
   * CPU time of the measured server's own process (the Node process: not its database) per response over the slices,
   * µs: what a request costs it, which a busy machine distorts far less than requests per second.
   */
  serverCpuUs?: number;
}

/** The server a scenario measures. */
export interface Target {
  url: string;
  pid: number;
}

/** One member of a group: what to send where. */
export interface Entry {
  name: string;
  target: Target;
  requests: LoadRequest[];
  keys: number;
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** Warms every entry once, then measures them in `rounds` interleaved slices. */
export async function runGroup(entries: Entry[], s: Settings, log: (msg: string) => void): Promise<Measured[]> {
  for (const e of entries) {
    log(`warming ${e.name}`);
    await runLoad({ url: e.target.url, connections: s.connections, duration: s.warmup, requests: e.requests });
  }
  const slices = entries.map(() => ({ raw: [] as RawLoad[], cpu: [] as CpuWindow[], windows: [] as [number, number][], serverJiffies: 0 }));
  for (let round = 0; round < s.rounds; round++) {
    log(`round ${round + 1}/${s.rounds}: ${entries.map((e) => e.name).join(', ')}`);
    for (const [i, e] of entries.entries()) {
      const end = cpuWindow(e.target.pid);
      const j0 = processJiffies(e.target.pid)?.jiffies ?? 0;
      const t0 = monotonicUs();
      const raw = await runLoadRaw({ url: e.target.url, connections: s.connections, duration: s.duration / s.rounds, requests: e.requests });
      // Work the server deferred (usage batches, ...) is charged to this slice, and kept out of the next one.
      raw.seconds += await settle(e.target.pid);
      slices[i].raw.push(raw);
      slices[i].windows.push([t0, monotonicUs()]);
      slices[i].cpu.push(end());
      slices[i].serverJiffies += (processJiffies(e.target.pid)?.jiffies ?? j0) - j0;
    }
  }
  for (const [i, e] of entries.entries()) {
    const responses = slices[i].raw.reduce((a, r) => a + r.latencies.length, 0);
    if (responses > 0) log(`${e.name}: server process CPU ${((slices[i].serverJiffies * 10_000) / responses).toFixed(1)} µs per response`);
  }
  return entries.map((e, i) => ({
    name: e.name,
    keys: e.keys,
    ...summarise(slices[i].raw),
    otherCpuPercent: otherPercent(slices[i].cpu),
    windows: slices[i].windows,
    serverCpuUs: Math.round((slices[i].serverJiffies * 10_000 * 10) / Math.max(1, slices[i].raw.reduce((a, r) => a + r.latencies.length, 0))) / 10,
  }));
}

export type CeilingName = 'A' | 'B' | 'C';
const CEILING_MODE = { A: 'hello', B: 'select', C: 'insert' } as const;

/** A ceiling server in its own process (stop it after its group). */
export async function startCeilingFor(which: CeilingName, args: string[]): Promise<{ server: Running; entry: Entry }> {
  const server = await startCeiling(CEILING_MODE[which], args);
  const request: LoadRequest =
    which === 'A' ? { path: '/hello' }
    : which === 'B' ? { path: '/select' }
    : { method: 'POST', path: '/insert', headers: { 'content-type': 'application/json' }, body: '{"n":1}' };
  return { server, entry: { name: `ceiling ${which}`, target: server, requests: [request], keys: 0 } };
}

export const SHAPED_CEILING = 'ceiling A shaped as /v1/me';

/**
 * Ceiling A answering with GET /v1/me's headers and body size (ceiling-server.ts `shaped`), measured in A's group: how
 * much of the gap between A and /v1/me the contract's answer itself makes, with no hook, key or limiter behind it.
 */
export async function startShapedCeiling(): Promise<{ server: Running; entry: Entry }> {
  const server = await startCeiling('shaped', []);
  return { server, entry: { name: SHAPED_CEILING, target: server, requests: [{ path: '/shaped' }], keys: 0 } };
}

/** The ceiling's request rate over 2 s after a 1 s warm-up: the upper bound used to size a scenario's keys. */
export async function probeRps(entry: Entry, s: Settings): Promise<number> {
  await runLoad({ url: entry.target.url, connections: s.connections, duration: 1, requests: entry.requests });
  return (await runLoad({ url: entry.target.url, connections: s.connections, duration: 2, requests: entry.requests })).rps;
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/**
 * Enough fresh keys for twice the ceiling's rate over warm-up + measurement (the probe is short, and a noisy machine
 * can slow it): a scenario never outruns its ceiling by that much, so the limiter admits everything. Any 429 is
 * still counted apart, and the run warns about it.
 */
export async function keysForRun(pool: KeyPool, s: Settings, maxRps: number): Promise<string[]> {
  return pool.take(keysFor(Math.ceil(maxRps * (s.warmup + s.duration) * 2)));
}

/** A static request per key: each connection cycles through all the keys, so they share the load evenly. */
export function getEntry(name: string, target: Target, path: string, keys: string[]): Entry {
  return { name, target, keys: keys.length, requests: keys.map((k) => ({ path, headers: auth(k) })) };
}

/** GET /availability over the 60 seeded dates and party sizes 2, 4 and 6. */
export function availabilityEntry(target: Target, slug: string, today: string, keys: string[]): Entry {
  const sizes = [2, 4, 2, 6];
  const length = keys.length * Math.max(1, Math.ceil(240 / keys.length));
  const requests = Array.from({ length }, (_, i) => ({
    path: `/v1/restaurants/${slug}/availability?date=${addDays(today, 1 + ((i * 7) % 60))}&partySize=${sizes[i % sizes.length]}`,
    headers: auth(keys[i % keys.length]),
  }));
  return { name: 'GET /availability', target, keys: keys.length, requests };
}

/**
 * POST /reservations spread over dates and times: the plan fills days 61–395 (beyond the seeded ones) round-robin
 * over dates, with parties that fit, so every request should answer 201; a refusal counts as an error.
 */
export function bookingEntry(target: Target, slug: string, plan: Booking[], keys: string[]): Entry & { sent: () => number } {
  let i = 0;
  const request: LoadRequest = {
    method: 'POST',
    path: `/v1/restaurants/${slug}/reservations`,
    setupRequest: (req) => {
      const n = i++;
      return {
        ...req,
        headers: { 'content-type': 'application/json', ...auth(keys[n % keys.length]) },
        body: bookingBody(plan[n % plan.length], 1_000_000 + n),
      };
    },
  };
  return { name: 'POST /reservations', target, keys: keys.length, requests: [request], sent: () => i };
}

export interface ContendedCase {
  label: string;
  date: string;
  time: string;
  partySize: number;
  expected: number;
  requests: number;
  created: number;
  refused: Record<string, number>;
  /** Reservations the server lists at that slot afterwards (GET /reservations). */
  listed: number;
  pass: boolean;
  /** Latency of the answers (201 and 409 alike), ms (absent in older files). */
  p50?: number;
  p99?: number;
  max?: number;
}

/** Many concurrent bookings for one slot of an empty date: exactly the slot's capacity must win, the rest get 409. */
export async function contended(
  url: string, slug: string, planner: Planner, pool: KeyPool, c: { label: string; date: string; time: string; partySize: number },
): Promise<ContendedCase> {
  const expected = planner.slotCapacity(c.date, c.time, c.partySize);
  const requests = 200;
  const [key] = await pool.take(1);
  let i = 0;
  const r = await runLoad({
    url,
    connections: 50,
    amount: requests,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: `/v1/restaurants/${slug}/reservations`,
        setupRequest: (req) => {
          const n = i++;
          return {
            ...req,
            headers: { 'content-type': 'application/json', ...auth(key) },
            body: bookingBody({ date: c.date, time: c.time, partySize: c.partySize }, 5_000_000 + n),
          };
        },
      },
    ],
  });
  const res = await fetch(`${url}/v1/restaurants/${slug}/reservations?date=${c.date}&limit=100`, { headers: auth(key) });
  if (res.status !== 200) throw new Error(`listing reservations failed: ${res.status} ${await res.text()}`);
  const list = (await res.json()) as { data: { time: string; status: string }[] };
  const listed = list.data.filter((x) => x.time === c.time && x.status === 'confirmed').length;
  const created = r.statuses['201'] ?? 0;
  const refused = Object.fromEntries(Object.entries(r.statuses).filter(([code]) => code !== '201'));
  const onlyConflicts = Object.keys(refused).every((code) => code === '409') && r.socketErrors + r.timeouts === 0;
  return {
    ...c, expected, requests, created, refused, listed, pass: created === expected && listed === expected && onlyConflicts,
    p50: r.p50, p99: r.p99, max: r.max,
  };
}

const MCP_PROTOCOL_VERSION = '2025-06-18';

/**
 * The MCP tool call behind GET /availability: POST /mcp with a JSON-RPC `tools/call` of `find_availability`, over the
 * same dates and party sizes as availabilityEntry (same keys, same count), each request on its own as a stateless
 * client sends it (no session: no initialize needed). Measured in the same group as GET /availability, so the two
 * rates compare directly: the difference is what the MCP layer (transport, JSON-RPC, per-request server, argument
 * validation, result shaping) costs per call. A tool error answers 200 too: the bench checks the sample body first.
 */
export function mcpAvailabilityEntry(target: Target, today: string, keys: string[]): Entry {
  const sizes = [2, 4, 2, 6];
  const length = keys.length * Math.max(1, Math.ceil(240 / keys.length));
  const requests = Array.from({ length }, (_, i) => ({
    method: 'POST' as const,
    path: '/mcp',
    headers: {
      ...auth(keys[i % keys.length]),
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MCP_PROTOCOL_VERSION,
    },
    body: JSON.stringify({
      jsonrpc: '2.0', id: i + 1, method: 'tools/call',
      params: { name: 'find_availability', arguments: { date: addDays(today, 1 + ((i * 7) % 60)), partySize: sizes[i % sizes.length] } },
    }),
  }));
  return { name: 'MCP find_availability', target, keys: keys.length, requests };
}

/** Sends the entry's first request once and throws unless it is a successful tool result (not a tool error). */
export async function checkMcpEntry(entry: Entry): Promise<void> {
  const r = entry.requests[0];
  const res = await fetch(`${entry.target.url}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
  const text = await res.text();
  const body = res.status === 200 ? (JSON.parse(text) as { result?: { isError?: boolean; structuredContent?: unknown } }) : undefined;
  if (!body?.result || body.result.isError) throw new Error(`MCP find_availability does not answer a result: ${res.status} ${text.slice(0, 500)}`);
}
