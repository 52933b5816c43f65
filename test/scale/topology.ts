/**
 * The multi-instance topology the scale suites start by themselves, all on 127.0.0.1 and random free ports, in one
 * temporary directory: a throwaway PostgreSQL (initdb as the `postgres` OS user when we are root), a throwaway Redis,
 * N Maitre server processes (`node --import tsx src/main.ts`) and Debian's nginx as a round-robin load balancer.
 * Every process can be stopped, killed and started again; close() (and, for a crashed test, the exit handler in
 * processes.ts) leaves nothing running and removes the directory.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { Managed, freePort, sleep, waitFor, type Exit } from './processes.js';
import { request } from './http.js';

export const REPO = resolve(import.meta.dirname, '../..');

function pgBinDir(): string {
  const candidates = ['/usr/local/bin', ...(existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse().map((v) => `/usr/lib/postgresql/${v}/bin`) : [])];
  const dir = candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres')));
  if (!dir) throw new Error('PostgreSQL server binaries (initdb, postgres) not found');
  return dir;
}

/**
 * Why the scale suites cannot run here (PostgreSQL server binaries, redis-server or nginx missing), or false.
 * In CI (CI=true) a missing tool is a failure, not a skip: the suites start the topology and fail loudly.
 */
export function scaleSkipReason(): string | false {
  if (process.env.CI) return false;
  const missing: string[] = [];
  try {
    pgBinDir();
  } catch {
    missing.push('PostgreSQL server binaries (initdb, postgres)');
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) missing.push('redis-server');
  if (!existsSync('/usr/sbin/nginx')) missing.push('nginx (/usr/sbin/nginx)');
  return missing.length ? `needs ${missing.join(', ')}` : false;
}

/** uid/gid of the `postgres` OS user when we run as root (PostgreSQL refuses to run as root), else nothing. */
function postgresIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export class PostgresServer {
  readonly url: string;
  readonly proc: Managed;
  private pool?: pg.Pool;

  private constructor(readonly port: number, readonly dataDir: string, bin: string, who: { uid: number; gid: number } | undefined, logFile: string) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    this.proc = new Managed('postgres', join(bin, 'postgres'), () => [
      '-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200', '-c', 'log_min_messages=warning',
    ], { ...who, logFile, env: { ...process.env, LC_ALL: 'C' } });
  }

  static async create(root: string): Promise<PostgresServer> {
    const bin = pgBinDir();
    const who = postgresIdentity();
    const dataDir = join(root, 'pgdata');
    mkdirSync(dataDir, { mode: 0o700 });
    if (who) chownSync(dataDir, who.uid, who.gid);
    const init = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'], {
      ...who, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' },
    });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error?.message}`);
    const server = new PostgresServer(await freePort(), dataDir, bin, who, join(root, 'postgres.log'));
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    this.proc.start();
    await waitFor('PostgreSQL to accept connections', async () => {
      const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 1_000 });
      try {
        await c.connect();
        await c.query('SELECT 1');
        return true;
      } finally {
        await c.end().catch(() => {});
      }
    });
  }

  /** Fast shutdown (SIGINT): sessions are terminated, the shutdown checkpoint is written. */
  stop(): Promise<Exit> {
    return this.proc.stop('SIGINT');
  }

  /** SQL on the throwaway database (its own small pool, which survives restarts). */
  async sql<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
    if (!this.pool) {
      this.pool = new pg.Pool({ connectionString: this.url, max: 4 });
      this.pool.on('error', () => {}); // idle clients die when the server restarts; the next query reconnects
    }
    const r = await this.pool.query(text, params);
    return r.rows as T[];
  }

  async close(): Promise<void> {
    await this.pool?.end().catch(() => {});
    this.pool = undefined;
    await this.proc.stop('SIGINT', 5_000); // its backends exit with it (a SIGKILL would orphan them for a moment)
    await this.proc.close();
  }
}

export class RedisServer {
  readonly url: string;
  readonly proc: Managed;

  constructor(readonly port: number, root: string) {
    this.url = `redis://127.0.0.1:${port}`;
    this.proc = new Managed('redis', 'redis-server', () => [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root, '--loglevel', 'warning',
    ], { logFile: join(root, 'redis.log') });
  }

  async start(): Promise<void> {
    this.proc.start();
    await waitFor('Redis to answer PING', async () => (await this.command('PING')) === '+PONG');
  }

  stop(): Promise<Exit> {
    return this.proc.stop('SIGTERM');
  }

  /** One inline command over a fresh connection; resolves with the raw reply ('' when unreachable). */
  command(...args: string[]): Promise<string> {
    return new Promise((resolveReply) => {
      const socket = net.connect(this.port, '127.0.0.1');
      let data = '';
      const done = () => {
        socket.destroy();
        resolveReply(data.trim());
      };
      socket.setTimeout(1_000, done);
      socket.on('error', done);
      socket.on('data', (d) => {
        data += d;
        // A simple string (+PONG) ends at its CRLF; a bulk string ($n CRLF body CRLF) after its body.
        if (data.endsWith('\r\n') && (!data.startsWith('$') || data.split('\r\n').length >= 3)) done();
      });
      socket.on('connect', () => socket.write(`${args.join(' ')}\r\n`));
    });
  }

  /** Number of client connections Redis currently has (the instances' limiters; our probe connection excluded). */
  async clients(): Promise<number> {
    const reply = await this.command('CLIENT', 'LIST');
    return reply.split('\n').filter((l) => l.includes('addr=') && !l.includes('cmd=client')).length;
  }
}

export class Instance {
  readonly url: string;
  readonly proc: Managed;

  constructor(readonly index: number, readonly port: number, env: Record<string, string>, readonly logFile: string) {
    this.url = `http://127.0.0.1:${port}`;
    this.proc = new Managed(`maitre-${index}`, process.execPath, () => ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO, logFile, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    });
  }

  async start(): Promise<void> {
    this.proc.start();
    const exited = this.proc.exited.then((e) => {
      throw new Error(`instance ${this.index} exited while starting (${e.code ?? e.signal})`);
    });
    await Promise.race([exited, waitFor(`instance ${this.index} to be ready`, async () => (await request(this.url, 'GET', '/readyz')).status === 200, 60_000)]);
    exited.catch(() => {});
  }

  /** SIGTERM: the graceful drain; resolves with the exit. */
  terminate(): Promise<Exit> {
    return this.proc.stop('SIGTERM');
  }

  kill(): Promise<Exit> {
    return this.proc.kill();
  }
}

export class LoadBalancer {
  readonly url: string;
  readonly proc: Managed;

  constructor(readonly port: number, dir: string, upstreams: number[]) {
    this.url = `http://127.0.0.1:${port}`;
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, nginxConfig(dir, port, upstreams));
    this.proc = new Managed('nginx', '/usr/sbin/nginx', () => ['-p', `${dir}/`, '-c', conf, '-e', join(dir, 'error.log')], {
      logFile: join(dir, 'stdout.log'),
    });
  }

  async start(): Promise<void> {
    this.proc.start();
    await waitFor('nginx to proxy /healthz', async () => (await request(this.url, 'GET', '/healthz')).status === 200);
  }

  stop(): Promise<Exit> {
    return this.proc.stop('SIGQUIT');
  }
}

/**
 * The tested load-balancer configuration is the shipped one: deploy/nginx.conf, read as it is, with only what a test
 * on 127.0.0.1 must change — the process set-up (one process in the foreground, files in `dir`), the logs, the
 * instances' addresses (each with the shipped server parameters) and the listening address. Round robin over kept
 * upstream connections (a draining instance refuses new connections, so nginx passes the request to the next
 * instance — safe even for a POST, since nothing was sent — and leaves its idle kept connections for nginx to close:
 * src/http/drain.ts), no retry of a request once sent (never a booking twice), the client address forwarded for the
 * per-IP limits (MAITRE_TRUST_PROXY=1).
 */
export function nginxConfig(dir: string, port: number, upstreams: number[]): string {
  const shipped = readFileSync(join(REPO, 'deploy/nginx.conf'), 'utf8');
  const swap = (text: string, from: RegExp, to: (match: RegExpExecArray) => string): string => {
    const match = from.exec(text);
    if (!match) throw new Error(`deploy/nginx.conf no longer matches ${from}: update nginxConfig in test/scale/topology.ts`);
    return text.slice(0, match.index) + to(match) + text.slice(match.index + match[0].length);
  };
  const asRoot = process.getuid?.() === 0;
  let conf = swap(shipped, /^worker_processes auto;$/m, () => `daemon off;
# One process (no master/worker pair): a SIGKILL from the test's exit handler can leave no orphaned worker behind.
master_process off;
${asRoot ? 'user root root;\n' : ''}pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;`);
  conf = swap(conf, /^ *access_log \/dev\/stdout;\n *error_log \/dev\/stderr warn;$/m, () => `  access_log off;
  error_log ${dir}/error.log warn;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;`);
  conf = swap(conf, /^( *)server maitre-1:3000 ([^;]*);\n(?: *server maitre-\d+:3000 [^;]*;\n)*/m, ([, indent, params]) =>
    upstreams.map((p) => `${indent}server 127.0.0.1:${p} ${params};\n`).join(''));
  conf = swap(conf, /^( *)listen 80;$/m, ([, indent]) => `${indent}listen 127.0.0.1:${port};`);
  return `# generated by test/scale/topology.ts from deploy/nginx.conf\n${conf}`;
}

export interface TopologyOptions {
  instances?: number;
  /** Extra environment for every instance. */
  env?: Record<string, string>;
}

export class Topology {
  private constructor(
    readonly root: string,
    readonly pg: PostgresServer,
    readonly redis: RedisServer,
    readonly instances: Instance[],
    readonly lb: LoadBalancer,
  ) {}

  static async start(options: TopologyOptions = {}): Promise<Topology> {
    const root = mkdtempSync(join(tmpdir(), 'maitre-scale-'));
    chmodSync(root, 0o711); // the postgres user must reach its data directory inside
    const started: { close(): Promise<void> }[] = [];
    try {
      const pgServer = await PostgresServer.create(root);
      started.push(pgServer);
      const redis = new RedisServer(await freePort(), root);
      await redis.start();
      started.push({ close: () => redis.proc.close() });
      // Migrate once, before the instances start (they would queue on the advisory lock otherwise).
      const migrated = await cli(['migrate'], { DATABASE_URL: pgServer.url });
      if (migrated.code !== 0) throw new Error(`maitre migrate failed: ${migrated.stderr}`);
      const env = {
        DATABASE_URL: pgServer.url, REDIS_URL: redis.url, MAITRE_DEMO: '0', LOG_LEVEL: 'warn', MAITRE_TRUST_PROXY: '1',
        MAITRE_WEBHOOK_ALLOW_PRIVATE: '1', MAITRE_WEBHOOK_RETRY_DELAYS: '200ms,500ms,1s', ...options.env,
      };
      const instances: Instance[] = [];
      for (let i = 0; i < (options.instances ?? 2); i++) {
        const inst = new Instance(i, await freePort(), env, join(root, `maitre-${i}.log`));
        instances.push(inst);
        started.push({ close: () => inst.proc.close() });
      }
      await Promise.all(instances.map((i) => i.start()));
      const lb = new LoadBalancer(await freePort(), join(root, 'nginx'), instances.map((i) => i.port));
      started.push({ close: () => lb.proc.close() });
      await lb.start();
      return new Topology(root, pgServer, redis, instances, lb);
    } catch (err) {
      for (const s of started.reverse()) await s.close().catch(() => {});
      rmSync(root, { recursive: true, force: true });
      throw err;
    }
  }

  /** Runs the `maitre` command line against this topology's database. */
  cli(args: string[], stdin?: string): Promise<CliResult> {
    return cli(args, { DATABASE_URL: this.pg.url, REDIS_URL: this.redis.url }, stdin);
  }

  sql<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
    return this.pg.sql<T>(text, params);
  }

  /** The last lines of every process log (for a failing test's diagnostics). */
  logs(lines = 30): string {
    const files = [...this.instances.map((i) => `maitre-${i.index}.log`), 'postgres.log', 'redis.log', 'nginx/error.log'];
    return files
      .map((f) => {
        const p = join(this.root, f);
        const text = existsSync(p) ? readFileSync(p, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(none)';
        return `--- ${f}\n${text}`;
      })
      .join('\n');
  }

  /** A Prometheus counter or gauge summed over its label sets, as one instance reports it. */
  async metric(instance: Instance, name: string): Promise<number> {
    const res = await request(instance.url, 'GET', '/metrics');
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    return String(res.body)
      .split('\n')
      .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  }

  async close(): Promise<void> {
    await this.lb.proc.close().catch(() => {});
    await Promise.all(this.instances.map((i) => i.proc.close().catch(() => {})));
    await this.redis.proc.close().catch(() => {});
    await this.pg.close().catch(() => {});
    await sleep(50);
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `maitre` command line as a child process. */
export function cli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: REPO, env: { ...process.env, LOG_LEVEL: 'silent', MAITRE_DEMO: '0', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolveResult({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}
