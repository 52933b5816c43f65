/** `npm start`: the server on the configuration of the environment. */
import { loadConfig } from './config.js';
import { EmbeddedDatabaseError } from './db/embedded/owner-lock.js';
import { serve } from './server.js';

try {
  await serve(loadConfig());
} catch (err) {
  if (err instanceof EmbeddedDatabaseError || (err as Error).message?.startsWith('invalid configuration')) {
    console.error(`maitre: ${(err as Error).message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
}
