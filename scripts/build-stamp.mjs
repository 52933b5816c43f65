// What `npm start` needs to know to skip a build: a fingerprint (SHA-256 of the paths and contents) of every input of
// `npm run build`, written to dist/.build-stamp when a build succeeds. `npm run build` takes it at the start (`begin`,
// so a file saved during the build makes the next start rebuild) and commits it at the end (`end`);
// `npm start` runs `node scripts/build-stamp.mjs ensure`, which builds only when the fingerprint differs or dist/ is
// incomplete — so `npm install && npm start` builds once.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const STAMP = join(root, 'dist/.build-stamp');
const PENDING = `${STAMP}.pending`;
/** The inputs of `npm run build`: the three source trees and the files that configure the build. */
const INPUTS = ['src', 'web', 'widget', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json',
  'scripts/build-web.mjs', 'scripts/copy-assets.mjs', 'scripts/build-stamp.mjs', 'scripts/redoc-ssr.vite.config.mjs'];
/** What a build leaves: the server, the dashboard, the widget and the reference's renderer. */
const OUTPUTS = ['dist/main.js', 'dist/dashboard/index.html', 'dist/widget/widget.js', 'dist/docs-ssr/redoc-ssr.mjs'];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).filter((name) => name !== 'node_modules').sort().flatMap((name) => files(join(path, name)));
}

export function fingerprint() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((p) => files(join(root, p)))) {
    hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function isFresh() {
  if (!OUTPUTS.every((p) => existsSync(join(root, p)))) return false;
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === fingerprint();
}

const command = process.argv[2];
if (command === 'begin') {
  rmSync(STAMP, { force: true });
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(PENDING, `${fingerprint()}\n`);
} else if (command === 'end') {
  renameSync(PENDING, STAMP);
} else if (command === 'ensure') {
  if (isFresh()) {
    console.log('dist/ is up to date with the sources: no build.');
  } else {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const run = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
} else if (command === 'check') {
  process.exit(isFresh() ? 0 : 1);
} else if (command !== undefined) {
  console.error('usage: node scripts/build-stamp.mjs begin | end | ensure | check');
  process.exit(2);
}
