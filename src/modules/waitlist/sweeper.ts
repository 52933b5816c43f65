/** The periodic sweep that expires overdue waitlist offers and offers their tables on, while the app runs. */
import type { FastifyPluginAsync } from 'fastify';
import { periodicTask } from '../../http/periodic.js';

export const WAITLIST_SWEEP_MS = 15_000;

export function waitlistSweeper(intervalMs = WAITLIST_SWEEP_MS): FastifyPluginAsync {
  return periodicTask('waitlist sweep', intervalMs, (app) => app.services.waitlist.sweep());
}
