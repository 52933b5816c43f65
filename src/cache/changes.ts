/**
 * The change channel of the in-process caches. A change to something an instance may cache (an API key, a restaurant)
 * is announced inside the transaction that makes it, with PostgreSQL NOTIFY on one channel: it reaches every listening
 * instance when (and only if) the transaction commits. The changing instance also applies it to its own caches right
 * after commit, so it bites on the very next local request. An instance that lost its listening connection may have
 * missed changes: it drops everything (`all`).
 */
import type { Db, Queryable } from '../db/types.js';

/** The NOTIFY channel (its name is shared by every instance of every version: keep it). */
export const CHANGES_CHANNEL = 'maitre_cache';

/** What changed: one API key, one restaurant (and so every key bound to it), or possibly anything. */
export type Change = { kind: 'key'; id: string } | { kind: 'restaurant'; id: string } | { kind: 'all' };

export const keyChanged = (id: string): Change => ({ kind: 'key', id });
export const restaurantChanged = (id: string): Change => ({ kind: 'restaurant', id });
export const everythingChanged: Change = { kind: 'all' };

/** The channel's payload for a change: `key:<id>`, `restaurant:<id>` or `all`. */
export function formatChange(change: Change): string {
  return change.kind === 'all' ? 'all' : `${change.kind}:${change.id}`;
}

/** A payload of the channel as a change; null for one this version does not know (caches ignore it). */
export function parseChange(message: string): Change | null {
  if (message === 'all') return everythingChanged;
  const colon = message.indexOf(':');
  const kind = message.slice(0, colon);
  const id = message.slice(colon + 1);
  if (colon < 0 || id === '') return null;
  if (kind === 'key' || kind === 'restaurant') return { kind, id };
  return null;
}

/** Announces a change inside the transaction that makes it: delivered to every listener when (and only if) it commits. */
export async function announceChange(tx: Queryable, change: Change): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, formatChange(change)]);
}

/**
 * Subscribes `apply` to the channel: every payload heard is passed on, and `all` when the listening connection had to
 * be re-established (changes may have been missed meanwhile). Returns the unsubscribe function.
 */
export function listenForChanges(db: Db, apply: (message: string) => void): Promise<() => Promise<void>> {
  return db.listen(CHANGES_CHANNEL, apply, () => apply(formatChange(everythingChanged)));
}
