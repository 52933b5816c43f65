/**
 * `npm start` builds only when the sources changed since the last build (scripts/build-stamp.mjs): exercised on a
 * throw-away project whose `build` script counts its runs, with the real stamp script and the real `start` script.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../', import.meta.url);
const real = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

test('package.json: build takes the fingerprint around the build; start builds only when it is stale', () => {
  assert.match(real.scripts.build, /^node scripts\/build-stamp\.mjs begin && .+ && node scripts\/build-stamp\.mjs end$/);
  assert.equal(real.scripts.start, 'node scripts/build-stamp.mjs ensure && node --max-semi-space-size=8 dist/main.js');
  assert.equal(real.scripts.prepare, 'npm run build', 'npm install builds (and stamps) once');
});

test('a fresh build is not repeated; a changed source, a changed lockfile or a missing output is rebuilt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maitre-stamp-'));
  try {
    mkdirSync(join(dir, 'scripts'));
    cpSync(new URL('scripts/build-stamp.mjs', root), join(dir, 'scripts/build-stamp.mjs'));
    for (const f of ['src/main.ts', 'web/src/app.tsx', 'widget/src/element.ts']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), `// ${f}\n`);
    }
    writeFileSync(join(dir, 'package-lock.json'), '{}\n');
    // The build: counts its runs and writes the four outputs; main.js prints a line, as the server would start.
    writeFileSync(join(dir, 'fake-build.mjs'), `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
appendFileSync('builds.log', 'x');
for (const d of ['dist/dashboard', 'dist/widget', 'dist/docs-ssr']) mkdirSync(d, { recursive: true });
writeFileSync('dist/main.js', 'console.log("started")');
writeFileSync('dist/dashboard/index.html', '');
writeFileSync('dist/widget/widget.js', '');
writeFileSync('dist/docs-ssr/redoc-ssr.mjs', '');
`);
    const build = real.scripts.build.replace(/ && .+ && /, ' && node fake-build.mjs && ');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'stamp-test', private: true, type: 'module', scripts: { build, start: real.scripts.start } }));
    const start = () => execFileSync('npm', ['start', '--silent'], { cwd: dir, encoding: 'utf8' });
    const builds = () => readFileSync(join(dir, 'builds.log'), 'utf8').length;

    assert.match(start(), /started/);
    assert.equal(builds(), 1, 'no dist yet: built');
    assert.match(start(), /no build\.\n[\s\S]*started/);
    assert.equal(builds(), 1, 'nothing changed: not rebuilt');
    utimesSync(join(dir, 'src/main.ts'), new Date(), new Date(Date.now() + 60_000));
    start();
    assert.equal(builds(), 1, 'a newer time but the same content: not rebuilt');
    writeFileSync(join(dir, 'src/main.ts'), '// changed\n');
    start();
    assert.equal(builds(), 2, 'a changed source: rebuilt');
    writeFileSync(join(dir, 'widget/src/new-file.ts'), '');
    start();
    assert.equal(builds(), 3, 'a new source file: rebuilt');
    writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion":3}\n');
    start();
    assert.equal(builds(), 4, 'other dependencies: rebuilt');
    rmSync(join(dir, 'dist/widget/widget.js'));
    start();
    assert.equal(builds(), 5, 'an output missing: rebuilt');
    start();
    assert.equal(builds(), 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
