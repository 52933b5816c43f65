/**
 * The measured figures of the reliability suites, merged into test-results/reliability.json (one object per
 * section, replaced on every run) — what scripts/reliability-report.mjs turns into docs/reliability.md.
 * Suites in other processes write concurrently, so a merge holds a lock file (O_EXCL) for its few microseconds.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const RELIABILITY_FILE = resolve(import.meta.dirname, '../../test-results/reliability.json');

export interface ReliabilityFile {
  updatedAt: string;
  environment: { node: string; platform: string; cpus: number; cpuModel: string };
  sections: Record<string, { recordedAt: string; [figure: string]: unknown }>;
}

function withLock(file: string, fn: () => void): void {
  const lock = `${file}.lock`;
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than 10 s belongs to a process that died holding it.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10_000) unlinkSync(lock);
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`could not lock ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  try {
    fn();
  } finally {
    unlinkSync(lock);
  }
}

/** Replaces `section` in test-results/reliability.json with `figures` (plus the time it was recorded). */
export function recordReliability(section: string, figures: Record<string, unknown>, file = RELIABILITY_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  withLock(file, () => {
    let data: ReliabilityFile | undefined;
    if (existsSync(file)) {
      try {
        data = JSON.parse(readFileSync(file, 'utf8')) as ReliabilityFile;
      } catch {
        data = undefined; // a torn or foreign file: start again
      }
    }
    const now = new Date().toISOString();
    const next: ReliabilityFile = {
      updatedAt: now,
      environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
      sections: { ...data?.sections, [section]: { recordedAt: now, ...figures } },
    };
    const tmp = join(dirname(file), `.reliability-${process.pid}.json`);
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(tmp, file);
  });
}
