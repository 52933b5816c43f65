/**
 * Renders of the reference kept on disk, so that a restarted server (or another process on the same data directory)
 * serves /docs at once instead of spending seconds of CPU on a render it already made. The key is the SHA-256 of
 * everything the render depends on — the document as served, Redoc's options and the renderer's own bytes — so an
 * entry is never stale: a changed API, option or renderer is a different file. Entries are written whole (a temporary
 * file renamed into place) and readable by the server's user only; an entry that cannot be read or parsed is
 * rendered again.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderedReference } from './prerender.js';

/** Bump when the cached form changes. */
const FORMAT = 'maitre-docs-render/1';

const fileHashes = new Map<string, Promise<string | null>>();

/** The SHA-256 of a file's bytes (read once per process): the renderer's identity. Null when it cannot be read. */
export function fileIdentity(file: string): Promise<string | null> {
  let hash = fileHashes.get(file);
  if (!hash) {
    hash = readFile(file).then(
      (bytes) => createHash('sha256').update(bytes).digest('hex'),
      () => null,
    );
    fileHashes.set(file, hash);
  }
  return hash;
}

export function renderKey(parts: string[]): string {
  const h = createHash('sha256').update(FORMAT);
  for (const part of parts) h.update('\0').update(part);
  return h.digest('hex');
}

export class RenderCache {
  constructor(readonly dir: string) {}

  private path(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  async get(key: string): Promise<RenderedReference | null> {
    try {
      const value = JSON.parse(await readFile(this.path(key), 'utf8')) as RenderedReference;
      return typeof value?.css === 'string' && typeof value?.html === 'string' ? value : null;
    } catch {
      return null; // missing, unreadable or torn: render again
    }
  }

  /** Best effort: a cache that cannot be written only means the next start renders again. */
  async set(key: string, value: RenderedReference): Promise<void> {
    const tmp = `${this.path(key)}.${process.pid}.${Date.now()}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
      await rename(tmp, this.path(key));
    } catch {
      await rm(tmp, { force: true }).catch(() => {}); // not kept (a full disk, say): the next start renders again
    }
  }
}
