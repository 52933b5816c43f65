// Copies non-TypeScript assets (SQL migrations) next to the compiled JavaScript: a mirror, so a migration renamed or
// removed in src/ does not linger in dist/ (the migrator refuses a numbering gap or duplicate).
import { cpSync, rmSync } from 'node:fs';
rmSync('dist/db/migrations', { recursive: true, force: true });
cpSync('src/db/migrations', 'dist/db/migrations', { recursive: true });
