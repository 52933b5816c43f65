/** Embedded PostgreSQL (PGlite) in a data directory, owned by exactly one process. */
import { PGlite, types } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { mkdirSync } from 'node:fs';
import type { Db, QueryResult, Tx } from './types.js';
import { acquireDataDirLock } from './data-dir-lock.js';

const parsers = {
  [types.DATE]: (v: string) => v,
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
};

function wrap(pg: { query: PGlite['query']; exec: PGlite['exec'] }): Tx {
  return {
    async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
      const r = await pg.query<T>(sql, params as any[] | undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
  };
}

export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  readonly query: Tx['query'];
  readonly exec: Tx['exec'];
  private constructor(readonly pg: PGlite, private readonly release: () => void) {
    const q = wrap(pg);
    this.query = q.query;
    this.exec = q.exec;
  }

  /** Opens (creating if needed) the data directory; refuses when another process owns it. Undefined dir = in memory. */
  static async open(dataDir?: string): Promise<PgliteDb> {
    let release = () => {};
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      release = acquireDataDirLock(dataDir);
    }
    try {
      const pg = await PGlite.create(dataDir ? `file://${dataDir}` : undefined, { extensions: { btree_gist }, parsers });
      return new PgliteDb(pg, release);
    } catch (err) {
      release();
      throw err;
    }
  }

  /** An in-memory database loaded from a dump() (tests: one migrated template, loaded per test). */
  static async fromDump(dump: Blob): Promise<PgliteDb> {
    const pg = await PGlite.create({ loadDataDir: dump, extensions: { btree_gist }, parsers });
    return new PgliteDb(pg, () => {});
  }

  /** The whole data directory as an uncompressed tarball. */
  dump(): Promise<Blob> {
    return this.pg.dumpDataDir('none');
  }

  /** A copy of this database. PGlite's own clone() drops the parsers; this rebuilds from a dump with the same options. */
  async clone(): Promise<PgliteDb> {
    return PgliteDb.fromDump(await this.dump());
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => fn(wrap(tx)));
  }

  async listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.pg.listen(channel, onMessage);
    return () => unlisten();
  }

  async close(): Promise<void> {
    try {
      if (!this.pg.closed) await this.pg.close();
    } finally {
      this.release();
    }
  }
}
