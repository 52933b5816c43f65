/**
 * A task the app runs every `intervalMs` while it is up (sweeps, compactions): never two runs at once, a failure
 * logged as a warning (the next run tries again), and closing waits for a run under way, so it never works against a
 * database that is about to close.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

export function periodicTask(what: string, intervalMs: number, run: (app: FastifyInstance) => Promise<unknown>): FastifyPluginAsync {
  return async (app) => {
    let running: Promise<void> | null = null;
    const timer = setInterval(() => {
      if (running) return;
      running = run(app)
        .then(() => undefined)
        .catch((err) => app.log.warn({ err }, `${what} failed`))
        .finally(() => {
          running = null;
        });
    }, intervalMs);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
  };
}
