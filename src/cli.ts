/** The `maitre` command line (API.md §9) on this process's streams: src/cli/main.ts does the work. */
import { processIo } from './cli/io.js';
import { runCli } from './cli/main.js';

const code = await runCli(process.argv.slice(2), processIo());
// A failed command ends now, even with a handle still open; a successful one ends when its work is done (`serve`: on
// SIGTERM or SIGINT).
if (code !== 0) process.exit(code);
