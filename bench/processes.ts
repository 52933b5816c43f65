/**
 * Child processes of the benchmark: the Maitre server exactly as users run it (`node dist/main.js`) and the ceiling
 * servers. Every child is stopped by its own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../src/heap.js';

export const ROOT = join(import.meta.dirname, '..');

export interface Running {
  pid: number;
  url: string;
  port: number;
  /** SIGTERM, then wait for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** What the process wrote on stderr so far (for error messages). */
  stderr(): string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function stopper(child: ChildProcess): (graceMs?: number) => Promise<void> {
  return (graceMs = 20_000) =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (d: Buffer) => {
    text = (text + d.toString()).slice(-20_000);
  });
  return () => text;
}

async function waitUntilUp(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}:\n${stderr()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not become ready within ${timeoutMs} ms:\n${stderr()}`);
}

/** Starts `node SERVER_NODE_FLAGS [nodeArgs] dist/main.js` on `port` (default: a free one) and waits for /readyz. */
export async function startMaitre(env: NodeJS.ProcessEnv, nodeArgs: string[] = [], port?: number): Promise<Running> {
  port ??= await freePort();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, join(ROOT, 'dist/main.js')], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr = collect(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(`${url}/readyz`, child, stderr);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { pid: child.pid!, url, port, stop: stopper(child), stderr };
}

/** Starts a ceiling server (bench/ceiling-server.ts) and reads the port it prints. */
export async function startCeiling(mode: 'hello' | 'shaped' | 'select' | 'insert', args: string[]): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/ceiling-server.ts'), mode, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = collect(child);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`ceiling ${mode} exited with code ${code}:\n${stderr()}`)));
  });
  return { pid: child.pid!, url: `http://127.0.0.1:${port}`, port, stop: stopper(child), stderr };
}

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
export function runInherit(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with code ${code}`))));
  });
}

/** Runs a node script and parses the one JSON object it prints on stdout. */
export function runJson<T>(nodeArgs: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`node ${nodeArgs.join(' ')} exited with code ${code}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

/** Peak and current resident set size of a process, in MB (VmHWM / VmRSS of /proc/<pid>/status). */
export function memoryOf(pid: number): { peakRssMb: number; rssMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakRssMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
  } catch {
    return null;
  }
}

/** The pid and every descendant of it (Linux /proc). */
function withDescendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
}

/**
 * Memory of a process tree in MB, as proportional set size (PSS: shared pages divided among the processes that share
 * them, so PostgreSQL's shared buffers count once, not once per backend).
 */
export function treeMemoryMb(roots: number[], exclude?: RegExp): number | null {
  let kb = 0;
  // Each process once: the embedded postmaster is the server's child, so its tree is also under the server's.
  for (const pid of new Set(roots.flatMap(withDescendants))) {
    try {
      if (exclude?.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) continue;
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone meanwhile */
    }
  }
  return kb ? Math.round(kb / 1024) : null;
}
