/** The periodic sweep that expires overdue waitlist offers and offers their tables on, while the app runs. */
import type { FastifyPluginAsync } from 'fastify';

export const WAITLIST_SWEEP_MS = 15_000;

export function waitlistSweeper(intervalMs = WAITLIST_SWEEP_MS): FastifyPluginAsync {
  return async (app) => {
    let running: Promise<void> | null = null;
    const timer = setInterval(() => {
      if (running) return;
      running = app.services.waitlist
        .sweep()
        .then(() => undefined)
        .catch((err) => app.log.warn({ err }, 'waitlist sweep failed'))
        .finally(() => {
          running = null;
        });
    }, intervalMs);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running; // never leave a sweep running against a database that is about to close
    });
  };
}
