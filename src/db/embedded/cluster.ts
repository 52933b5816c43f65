/**
 * One PostgreSQL server (a "cluster": a data directory and the postmaster serving it), run as a child process:
 * `initdb` on first start, then `postgres` listening on loopback only, on a free port, with password (SCRAM) auth.
 * The caller owns the data directory (see owner-lock.ts); this class starts, watches and stops the server.
 *
 * Crash handling follows PostgreSQL's own rules: a postmaster.pid whose process is gone is stale and PostgreSQL
 * recovers from its write-ahead log by itself. A postmaster that outlived the Maitre process that started it (that
 * process was killed with SIGKILL) is stopped with a fast shutdown, which loses nothing committed, and started anew.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { platform } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { PostgresBinaries } from './binaries.js';
import type { RunAs } from './run-as.js';

export const SUPERUSER = 'maitre';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ClusterOptions {
  pgdata: string;
  password: string;
  binaries: PostgresBinaries;
  /** The account to run as (when we are root); undefined = this process's own. */
  account?: RunAs;
  /** Extra server settings (`-c name=value`), e.g. fsync. */
  settings?: Record<string, string>;
  log: (level: LogLevel, message: string) => void;
}

export interface PostmasterInfo {
  pid: number;
  port: number;
  /** "starting", "ready", "stopping" … as PostgreSQL writes it; undefined before it wrote one. */
  status?: string;
}

/** Reads postmaster.pid (PostgreSQL's own record of the running server: pid, data dir, start time, port, …, status). */
export function readPostmaster(pgdata: string): PostmasterInfo | undefined {
  let text: string;
  try {
    text = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port, status: lines[7]?.trim() || undefined };
}

/** The URL of a database on an embedded server (always on loopback), as `user` (default: its superuser). */
export function loopbackUrl(port: number, password: string, database: string, user = SUPERUSER): string {
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresProcess(pid: number): boolean {
  if (platform() !== 'linux') return true; // no /proc: trust the pid file, as PostgreSQL does
  try {
    return /postgres/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export class Cluster {
  private child?: ChildProcess;
  private stopping = false;
  private readonly recent: string[] = [];
  private exitListeners: ((why: string) => void)[] = [];
  port = 0;

  constructor(private readonly o: ClusterOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  url(database: string): string {
    return loopbackUrl(this.port, this.o.password, database);
  }

  /** Called once if the server exits while nobody asked it to stop, with PostgreSQL's last log lines. */
  onUnexpectedExit(fn: (why: string) => void): void {
    this.exitListeners.push(fn);
  }

  /** The last lines PostgreSQL logged (for error messages): its output before the log collector ran, then its log file. */
  lastLog(): string {
    const lines = [...this.recent];
    try {
      const dir = join(this.o.pgdata, 'log');
      const newest = readdirSync(dir)
        .map((name) => ({ name, at: statSync(join(dir, name)).mtimeMs }))
        .sort((a, b) => b.at - a.at)[0];
      if (newest) lines.push(...readFileSync(join(dir, newest.name), 'utf8').trimEnd().split('\n').slice(-15));
    } catch {
      /* no log file yet, or not readable by us */
    }
    return lines.slice(-30).join('\n');
  }

  isInitialized(): boolean {
    return existsSync(join(this.o.pgdata, 'PG_VERSION'));
  }

  /** initdb: a new cluster with the superuser `maitre` and this password, UTF-8, C locale, data checksums. */
  async initialize(): Promise<void> {
    const { pgdata, account } = this.o;
    mkdirSync(pgdata, { recursive: true, mode: 0o700 });
    if (account) chownSync(pgdata, account.uid, account.gid);
    chmodSync(pgdata, 0o700);
    const pwfile = join(pgdata, '..', `.initdb-pw-${process.pid}`);
    writeFileSync(pwfile, `${this.o.password}\n`, { mode: 0o600 });
    if (account) chownSync(pwfile, account.uid, account.gid);
    try {
      await this.run(this.o.binaries.initdb, [
        `--pgdata=${pgdata}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256',
        '--encoding=UTF8', '--no-locale', '--data-checksums',
      ]);
    } finally {
      unlinkSync(pwfile);
    }
  }

  /** Starts the server and resolves once it accepts connections. */
  async start(): Promise<void> {
    await this.clearLeftover();
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      try {
        await this.spawnServer();
        return;
      } catch (err) {
        // Another program took the port between our check and the server's bind: try another one.
        if (attempt < 3 && /could not (bind|create listen socket)/i.test(this.lastLog())) continue;
        throw err;
      }
    }
  }

  private async clearLeftover(): Promise<void> {
    const info = readPostmaster(this.o.pgdata);
    if (!info || !alive(info.pid)) return; // none, or stale: PostgreSQL removes it and recovers from its WAL
    if (!isPostgresProcess(info.pid)) {
      // The pid was reused by an unrelated process after a crash; PostgreSQL would refuse to start on it.
      unlinkSync(join(this.o.pgdata, 'postmaster.pid'));
      return;
    }
    this.o.log('warn', `stopping a PostgreSQL server (pid ${info.pid}) left running by a Maitre process that ended abruptly`);
    process.kill(info.pid, 'SIGINT'); // fast shutdown: active transactions roll back, everything committed stays
    for (let waited = 0; alive(info.pid); waited += 100) {
      if (waited === 60_000) process.kill(info.pid, 'SIGQUIT');
      if (waited > 90_000) throw new Error(`the leftover PostgreSQL server (pid ${info.pid}) does not stop`);
      await sleep(100);
    }
  }

  private settings(): string[] {
    const all: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      port: String(this.port),
      unix_socket_directories: '',
      fsync: 'on',
      full_page_writes: 'on',
      synchronous_commit: 'on',
      // PostgreSQL's own log goes to files in pg/log/ (a week, one file a weekday), written by its logging collector:
      // the server never waits on Maitre to read a pipe. Statements are never logged (they may carry guests' data).
      logging_collector: 'on',
      log_directory: 'log',
      log_filename: 'postgresql-%a.log',
      log_truncate_on_rotation: 'on',
      log_rotation_age: '1d',
      log_rotation_size: '0',
      log_min_messages: 'warning',
      log_min_error_statement: 'panic',
      ...this.o.settings,
    };
    return Object.entries(all).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  }

  private spawnServer(): Promise<void> {
    const { binaries, pgdata, account } = this.o;
    // Its own process group: a Ctrl-C in the terminal reaches Maitre, which stops the server after draining requests.
    const child = spawn(binaries.postgres, ['-D', pgdata, ...this.settings()], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    });
    this.child = child;
    this.stopping = false;
    this.pipeLog(child);
    // Whatever way this process exits (short of SIGKILL), the server is told to shut down fast.
    const onProcessExit = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    };
    process.on('exit', onProcessExit);
    let exited: string | undefined;
    child.once('exit', (code, signal) => {
      process.off('exit', onProcessExit);
      exited = signal ? `signal ${signal}` : `exit code ${code}`;
      if (this.child === child) this.child = undefined;
      if (!this.stopping) for (const fn of this.exitListeners.splice(0)) fn(`PostgreSQL exited (${exited}): ${this.lastLog()}`);
    });
    return this.waitReady(() => exited);
  }

  private async waitReady(exited: () => string | undefined): Promise<void> {
    const deadline = Date.now() + 120_000; // crash recovery of a large WAL can take a while
    for (;;) {
      const why = exited();
      if (why) throw new Error(`the embedded PostgreSQL did not start (${why}):\n${this.lastLog()}`);
      const c = new pg.Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 2_000 });
      c.on('error', () => {});
      try {
        await c.connect();
        await c.end();
        return;
      } catch {
        await c.end().catch(() => {});
      }
      if (Date.now() > deadline) throw new Error(`the embedded PostgreSQL did not accept connections in time:\n${this.lastLog()}`);
      await sleep(50);
    }
  }

  private pipeLog(child: ChildProcess): void {
    let partial = '';
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        this.recent.push(line);
        if (this.recent.length > 30) this.recent.shift();
        const level: LogLevel = /\b(PANIC|FATAL):/.test(line) ? 'error' : /\bWARNING:/.test(line) ? 'warn' : 'debug';
        this.o.log(level, line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  /** Fast shutdown (SIGINT): transactions in progress roll back, a checkpoint writes everything, the server exits. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping = true;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const escalate = setTimeout(() => child.kill('SIGQUIT'), 30_000);
    const last = setTimeout(() => child.kill('SIGKILL'), 40_000);
    await gone;
    clearTimeout(escalate);
    clearTimeout(last);
  }

  private run(file: string, args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
        ...(this.o.account ? { uid: this.o.account.uid, gid: this.o.account.gid } : {}),
      });
      let output = '';
      child.stdout?.on('data', (d) => (output += d));
      child.stderr?.on('data', (d) => (output += d));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} failed (exit code ${code}):\n${output}`))));
    });
  }
}
