/**
 * What stands in front of the guest self-service routes (no API key): a rate limit per client IP (run in onRequest,
 * before the body is even parsed), the restaurant of the path, then a rate limit per reservation reference. Both
 * buckets are keyed on a SHA-256, so a shared limiter (Redis) never holds addresses or references.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RestaurantRef } from '../../http/context.js';
import { errors } from '../../http/errors.js';
import { MINUTE } from '../../http/rate-limit/types.js';
import { normalizeReference } from '../reservations/reference.js';

export const GUEST_LIMITS = {
  /** Every guest request from one client IP. */
  perIp: { limit: 10, windowMs: MINUTE },
  /** Attempts on one reservation reference, right or wrong (guessing contacts for a known reference). */
  perReference: { limit: 5, windowMs: 15 * MINUTE },
} as const;

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

async function throttle(req: FastifyRequest, bucket: string, rule: { limit: number; windowMs: number }): Promise<void> {
  const r = await req.server.services.limiter.consume(bucket, rule.limit, rule.windowMs);
  if (!r.allowed) throw errors.rateLimited(r.retryAfterSeconds, r.limit, rule.windowMs / 1000);
}

/** onRequest hook of the guest routes: the per-IP budget. */
export async function throttleGuestIp(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  await throttle(req, `guest:ip:${hash(req.ip)}`, GUEST_LIMITS.perIp);
}

/** The restaurant of the path (404 not_found), after the per-reference budget of this reference is drawn on. */
export async function admitGuest(req: FastifyRequest, reference: string): Promise<RestaurantRef> {
  const param = (req.params as { restaurant: string }).restaurant;
  const restaurant = await req.server.services.restaurants.resolve(param);
  if (!restaurant) throw errors.restaurantNotFound(param);
  await drawReferenceBudget(req, restaurant.id, reference);
  return restaurant;
}

/** Draws on the per-reference budget (429 when spent): guesses of a contact for one reference, wherever they come from. */
export async function drawReferenceBudget(req: FastifyRequest, restaurantId: string, reference: string): Promise<void> {
  const canonical = normalizeReference(reference) ?? reference.trim().toUpperCase();
  await throttle(req, `guest:ref:${hash(`${restaurantId}:${canonical}`)}`, GUEST_LIMITS.perReference);
}
