/**
 * What a command reads and writes: the process's environment and streams for `maitre`, buffers when a test runs a
 * command in its own process (test/helpers/cli.ts). Commands never touch process.stdout/stderr/stdin/env themselves.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/types.js';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** Standard output. */
  out(text: string): void;
  /** Standard error. */
  err(text: string): void;
  /** True when standard input is a terminal (a prompt is worth showing). */
  stdinIsTTY: boolean;
  /** All of standard input. */
  readStdin(): Promise<string>;
}

/** What a database command is given. */
export interface CliContext {
  db: Db;
  io: CliIo;
  config: Config;
  /** Who the audit log and history name: the operating-system user running the command. */
  actor: { type: 'cli'; id: string | null };
}

export function processIo(): CliIo {
  return {
    env: process.env,
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    stdinIsTTY: Boolean(process.stdin.isTTY),
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
