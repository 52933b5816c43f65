/**
 * The SDK as a user gets it: `npm pack` on sdk/ (its `prepare` builds dist/), the tarball installed into a fresh project
 * outside the repository, the README's program compiled there with TypeScript against the installed types and run with
 * plain Node against a real listening server. Offline: the SDK's own dependencies are packed from this repository's
 * node_modules (the versions the lockfile pins), so nothing is fetched from a registry.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestApp, type TestApp } from './helpers/app.js';
import { seedDemoIfEmpty } from '../src/demo.js';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('../', import.meta.url));
const sdkDir = join(repo, 'sdk');
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
/** npm run from `npm test` exports npm_config_* and npm_package_*: the user's shell has none of them. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

let t: TestApp;
let baseUrl: string;
let demoKey: string;
let work: string;

before(async () => {
  t = await createTestApp();
  const demo = await seedDemoIfEmpty(t.app.services);
  assert.ok(demo);
  demoKey = demo.key;
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  work = mkdtempSync(join(tmpdir(), 'maitre-sdk-pack-'));
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

const npm = (args: string[], cwd: string) => exec('npm', args, { cwd, env: cleanEnv, maxBuffer: 16 * 1024 * 1024 });

/** The packages `name` needs at run time, from this repository's node_modules (recursively). */
function runtimeDependencies(name: string, seen = new Set<string>()): Set<string> {
  const manifest = JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    runtimeDependencies(dep, seen);
  }
  return seen;
}

/** The first TypeScript block under "Book a table" in sdk/README.md: the program a user copies. */
function readmeProgram(): string {
  const readme = readFileSync(join(sdkDir, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Book a table'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(match, 'sdk/README.md has the program under "Book a table"');
  return match[1];
}

test('npm pack on sdk/ builds it and ships the compiled ESM, the declarations and the README, not the sources', async () => {
  const { stdout } = await npm(['pack', '--json', '--pack-destination', work], sdkDir);
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  const files = info.files.map((f) => f.path).sort();
  for (const expected of ['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/errors.js', 'dist/operations.js', 'dist/schema.d.ts']) {
    assert.ok(files.includes(expected), `the tarball has ${expected}: ${files.join(', ')}`);
  }
  assert.deepEqual(files.filter((f) => !f.startsWith('dist/') && f !== 'README.md' && f !== 'package.json'), [], 'nothing but dist/, README and package.json');
  const manifest = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8'));
  assert.equal(manifest.type, 'module');
  assert.deepEqual(manifest.exports['.'], { types: './dist/index.d.ts', import: './dist/index.js' });
  assert.ok(manifest.scripts.prepare, 'a prepare script builds dist/ on pack and on install from a directory or git');
});

test('the packed tarball installs into a project outside the repository, and the README program type-checks and books', async () => {
  const { stdout } = await npm(['pack', '--json', '--pack-destination', work], sdkDir);
  const tarballs = [join(work, JSON.parse(stdout.slice(stdout.indexOf('[')))[0].filename)];
  const sdkManifest = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8'));
  const deps = new Set<string>();
  for (const dep of Object.keys(sdkManifest.dependencies)) {
    deps.add(dep);
    runtimeDependencies(dep, deps);
  }
  for (const dep of deps) {
    const out = await npm(['pack', '--json', '--pack-destination', work, join(repo, 'node_modules', dep)], work);
    tarballs.push(join(work, JSON.parse(out.stdout.slice(out.stdout.indexOf('[')))[0].filename));
  }

  const project = join(work, 'restaurant-site');
  await exec('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'restaurant-site', private: true, type: 'module' }));
  await npm(['install', '--offline', '--no-audit', '--no-fund', ...tarballs], project);
  const installed = JSON.parse(readFileSync(join(project, 'node_modules/@maitre/sdk/package.json'), 'utf8'));
  assert.equal(installed.name, '@maitre/sdk');

  // Compiled with the user's TypeScript settings for Node ESM: the types come from the installed package's `exports`.
  writeFileSync(join(project, 'book.ts'), readmeProgram());
  const tscArgs = [
    '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck',
    '--typeRoots', join(repo, 'node_modules/@types'), '--types', 'node', '--outDir', 'out',
  ];
  await exec(process.execPath, [tsc, ...tscArgs, 'book.ts'], { cwd: project });

  // The types are real, not `any`: an unknown path and a wrong body are compile errors.
  writeFileSync(
    join(project, 'wrong.ts'),
    "import { createMaitreClient } from '@maitre/sdk';\n" +
      "const maitre = createMaitreClient({ baseUrl: 'http://x', apiKey: 'k' });\n" +
      "await maitre.GET('/v1/no-such-path');\n" +
      "await maitre.POST('/v1/restaurants/{restaurant}/reservations', { params: { path: { restaurant: 'demo' } }, body: { partySize: 'two' } });\n",
  );
  const wrong = await exec(process.execPath, [tsc, ...tscArgs, '--noEmit', 'wrong.ts'], { cwd: project }).then(
    () => null,
    (err: { stdout: string }) => err.stdout,
  );
  assert.ok(wrong, 'wrong.ts must not compile');
  assert.match(wrong, /wrong\.ts\(3,/, 'the unknown path is refused');
  assert.match(wrong, /wrong\.ts\(4,/, 'the wrong body is refused');

  // Plain Node runs the compiled program: ESM resolution through `exports`, no loader.
  const env = { ...cleanEnv, MAITRE_URL: baseUrl, MAITRE_API_KEY: demoKey };
  const first = await exec(process.execPath, ['out/book.js'], { cwd: project, env });
  assert.match(first.stdout, /^Booked [A-Z0-9]{3}-[A-Z0-9]{4}: 2 people on \d{4}-\d{2}-\d{2} at \d{2}:\d{2}\n$/);
  const { rows } = await t.app.services.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM reservations r JOIN customers c ON c.id = r.customer_id WHERE c.email = 'ada@example.com'`);
  assert.equal(rows[0].n, 1, 'the booking is in the database');

  // A bad key gives the typed error, thrown by unwrap: the program exits non-zero with the API's message.
  const refused = await exec(process.execPath, ['out/book.js'], { cwd: project, env: { ...env, MAITRE_API_KEY: 'mtr_live_aaaaaaaa_notarealkey' } }).then(
    () => null,
    (err: { code: number; stderr: string }) => err,
  );
  assert.ok(refused, 'the program fails with a wrong key');
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /MaitreApiError/);
});
