// `npm run lighthouse`: Lighthouse's performance score of the API reference (/docs), as issue #16 measured it —
// Lighthouse 12's default (mobile, simulated 4× slower CPU and slow 4G), Debian's Chromium, headless. Lighthouse is not
// a dependency of Maitre: it runs through npx (lighthouse@12, from the npm registry, into npm's cache).
//
//   npm run lighthouse                      # builds if needed, starts the server as `npm start` does, 3 runs of /docs, the median
//   npm run lighthouse -- --runs 5 --path /docs/admin
//   npm run lighthouse -- --url http://127.0.0.1:3000/docs   # a server already running
//
// Without --url the server runs on a free port with DATABASE_URL (a throw-away database is created and dropped on that
// server) or, unset, its embedded PostgreSQL in a temporary directory. /docs is fetched once before measuring: the
// first request renders the reference (seconds, once per server start), which is not what a reader waits for.
// Timing depends on the machine and on what else runs: the load average is printed with every run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    path: { type: 'string', default: '/docs' },
    url: { type: 'string' },
    chrome: { type: 'string', default: process.env.CHROME_PATH ?? '/usr/bin/chromium' },
  },
});
const CHROME_FLAGS = '--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run';

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitFor(url, ms) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (server && server.exitCode !== null) throw new Error(`the server exited (code ${server.exitCode}) before ${url} answered`);
    if (Date.now() > until) throw new Error(`${url} did not answer in ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

let server;
let cleanup = () => {};
let target = args.url;
if (!target) {
  if (spawnSync('node', ['scripts/build-stamp.mjs', 'ensure'], { stdio: 'inherit' }).status !== 0) process.exit(1);
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', MAITRE_DEMO: '0' };
  if (process.env.DATABASE_URL) {
    const name = `maitre_lighthouse_${process.pid}`;
    const pg = await import('pg');
    const admin = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.href;
    cleanup = async () => {
      const c = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'maitre-lighthouse-'));
    env.MAITRE_DATA_DIR = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  // Started as `npm start` starts it: with the node flags of src/heap.ts (built into dist/ by the step above).
  const { SERVER_NODE_FLAGS } = await import('../dist/heap.js');
  server = spawn('node', [...SERVER_NODE_FLAGS, 'dist/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  target = `http://127.0.0.1:${port}${args.path}`;
  await waitFor(`http://127.0.0.1:${port}/healthz`, 120_000);
}

const results = [];
try {
  await waitFor(target, 120_000); // the first request renders the reference
  const out = mkdtempSync(join(tmpdir(), 'maitre-lighthouse-report-'));
  for (let i = 0; i < Number(args.runs); i++) {
    const file = join(out, `run-${i}.json`);
    const run = spawnSync(
      'npx',
      ['--yes', 'lighthouse@12', target, '--only-categories=performance', `--chrome-flags=${CHROME_FLAGS}`, '--output=json', `--output-path=${file}`, '--quiet'],
      { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CHROME_PATH: args.chrome } },
    );
    if (run.status !== 0) throw new Error(`lighthouse exited with ${run.status}`);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    const a = report.audits;
    const ms = (k) => Math.round(a[k].numericValue);
    results.push({
      score: Math.round(report.categories.performance.score * 100),
      fcp: ms('first-contentful-paint'),
      lcp: ms('largest-contentful-paint'),
      tbt: ms('total-blocking-time'),
      si: ms('speed-index'),
      cls: Number(a['cumulative-layout-shift'].numericValue.toFixed(3)),
      kib: Math.round(a['total-byte-weight'].numericValue / 1024),
      dom: a['dom-size'].numericValue,
      load: loadavg()[0].toFixed(1),
    });
    console.log(`run ${i + 1}: ${JSON.stringify(results.at(-1))}`);
  }
  rmSync(out, { recursive: true, force: true });
} finally {
  server?.kill('SIGTERM');
  if (server) await new Promise((r) => server.once('exit', r));
  await cleanup();
}
const median = [...results].sort((x, y) => x.score - y.score)[Math.floor(results.length / 2)];
console.log(`\n${target}: performance ${median.score} (median of ${results.length}; ${results.map((r) => r.score).join(', ')})`);
console.log(`median run: FCP ${median.fcp} ms, LCP ${median.lcp} ms, TBT ${median.tbt} ms, SI ${median.si} ms, CLS ${median.cls}, ${median.kib} KiB, ${median.dom} DOM elements; load average ${median.load} on ${(await import('node:os')).cpus().length} CPUs`);
