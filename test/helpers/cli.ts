/**
 * Runs the `maitre` command line: `runCli` as the real program (a child process through tsx: argv, exit code, the
 * process's streams), `runCliInProcess` as the same function on buffers in this process — the same commands, parsing,
 * database work and exit codes, without the ~2.5 s of CPU a child spends loading the modules.
 */
import { spawn } from 'node:child_process';
import type { CliIo } from '../../src/cli/io.js';
import { runCli as runCliMain } from '../../src/cli/main.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const defaults = { LOG_LEVEL: 'silent', MAITRE_DEMO: '0' };

export function runCli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { ...process.env, ...defaults, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

export async function runCliInProcess(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: { ...process.env, ...defaults, ...env },
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    stdinIsTTY: false,
    readStdin: async () => stdin ?? '',
  };
  const code = await runCliMain(args, io);
  return { code, stdout, stderr };
}
