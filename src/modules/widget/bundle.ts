/**
 * The built widget, dist/widget/widget.js (widget/vite.config.ts). Read from disk when its modification time changes,
 * so a rebuild while the server runs is picked up; the ETag is a hash of the content.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** <root>/dist/widget/widget.js, from <root>/src/modules/widget/ (tsx, tests) or <root>/dist/modules/widget/ (npm start). */
export const WIDGET_FILE = fileURLToPath(new URL('../../../dist/widget/widget.js', import.meta.url));

export interface Bundle {
  body: Buffer;
  etag: string;
}

export class BundleFile {
  private cached: { mtimeMs: number; size: number; bundle: Bundle } | null = null;

  constructor(readonly path: string = WIDGET_FILE) {}

  /** The bundle, or null when it has not been built. */
  async load(): Promise<Bundle | null> {
    let info;
    try {
      info = await stat(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    if (this.cached && this.cached.mtimeMs === info.mtimeMs && this.cached.size === info.size) return this.cached.bundle;
    const body = await readFile(this.path);
    const bundle = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    this.cached = { mtimeMs: info.mtimeMs, size: info.size, bundle };
    return bundle;
  }
}

/** True when an If-None-Match header names this ETag (or `*`). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
