/**
 * The webhook dispatcher: one per instance, all sharing the work through the database.
 * - Woken by the outbox NOTIFY (a delivery starts within milliseconds of the commit), by its own timer when a retry
 *   it scheduled falls due, and by a poll as the safety net (missed notifications, other instances' retries): the
 *   scheduling is ClaimLoop's (src/background/claim-loop.ts), which also drains on stop.
 * - Claims due deliveries (delivery-store.ts), sends them with no transaction open, records each outcome.
 * - At most one delivery per endpoint is in flight, taken in event order: per endpoint, events go out in order.
 * - Retries non-2xx answers, timeouts, connection errors and refused addresses on the configured schedule with ±20 %
 *   jitter; after the last one the delivery is dead. 410 Gone disables the endpoint at once; an endpoint whose every
 *   attempt has failed for DISABLE_AFTER_FAILING_DAYS days is disabled too (with a reason and an audit row).
 * - A lease that expires (the instance died mid-delivery) makes the delivery claimable again: at least once.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/types.js';
import { ClaimLoop } from '../../background/claim-loop.js';
import { newId } from '../../lib/ids.js';
import type { Metrics } from '../../http/metrics.js';
import { anythingDue, claimDue, pruneEvents, queueDepth, recordOutcome, releaseClaim, type AttemptOutcome, type Claim } from './delivery-store.js';
import { WEBHOOK_CHANNEL } from './outbox.js';
import { signatureHeaders } from './signing.js';
import { DEFAULT_TIMEOUT_MS, httpSender, type Sender } from './sender.js';
import { resolveWebhookTarget, systemResolver, type Resolver } from './ssrf.js';

/** An endpoint whose attempts have all failed for this many days is disabled. */
export const DISABLE_AFTER_FAILING_DAYS = 3;
export const JITTER = 0.2;
export const USER_AGENT = 'Maitre-Webhooks/1.0';

export interface DispatcherOptions {
  /** Delay before retry n (n = 1..length); after the last one the delivery is dead. */
  retryDelaysMs: number[];
  /** MAITRE_WEBHOOK_ALLOW_PRIVATE: skip the address rules. */
  allowPrivate: boolean;
  /** Time limit of one attempt. */
  timeoutMs: number;
  /** How long a claim is ours (at least twice timeoutMs): if no outcome is recorded by then, the delivery is claimable again. */
  leaseMs: number;
  /** Safety-net poll. */
  pollIntervalMs: number;
  /** Deliveries (to distinct endpoints) in flight at once on this instance. */
  concurrency: number;
  disableAfterMs: number;
  /** Outbox events older than this, with nothing left to deliver, are deleted (hourly). */
  retentionDays: number;
  sender: Sender;
  resolve: Resolver;
  /** [0, 1): jitter source. */
  random: () => number;
}

export function defaultDispatcherOptions(config: { webhookRetryDelaysMs: number[]; webhookAllowPrivate: boolean }): DispatcherOptions {
  return {
    retryDelaysMs: config.webhookRetryDelaysMs,
    allowPrivate: config.webhookAllowPrivate,
    timeoutMs: DEFAULT_TIMEOUT_MS,
    leaseMs: 30_000,
    pollIntervalMs: 1_000,
    concurrency: 16,
    disableAfterMs: DISABLE_AFTER_FAILING_DAYS * 86_400_000,
    retentionDays: 30,
    sender: httpSender,
    resolve: systemResolver,
    random: Math.random,
  };
}

/** The delay before the attempt after `attempt` (1-based) failed, with jitter; null when none is left. */
export function retryDelay(delays: number[], attempt: number, random: () => number = Math.random): number | null {
  const base = delays[attempt - 1];
  if (base === undefined) return null;
  return Math.max(0, Math.round(base * (1 - JITTER + 2 * JITTER * random())));
}

const PRUNE_EVERY_MS = 3_600_000;

class RefusedError extends Error {}

export class WebhookDispatcher {
  readonly options: DispatcherOptions;
  readonly instanceId = newId('dsp', 12);
  private readonly loop: ClaimLoop;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    options: Partial<DispatcherOptions> & Pick<DispatcherOptions, 'retryDelaysMs' | 'allowPrivate'>,
    private readonly metrics?: Metrics,
  ) {
    this.options = { ...defaultDispatcherOptions({ webhookRetryDelaysMs: options.retryDelaysMs, webhookAllowPrivate: options.allowPrivate }), ...options };
    this.loop = new ClaimLoop({
      name: 'webhook dispatcher', failure: 'claiming deliveries failed', db, log, channel: WEBHOOK_CHANNEL,
      pollIntervalMs: () => this.options.pollIntervalMs, concurrency: () => this.options.concurrency,
      claim: (room) => this.claim(room), interruptOnStop: true,
    });
    metrics?.observeWebhookQueue(() => queueDepth(this.db));
  }

  get active(): number {
    return this.loop.active;
  }

  async start(): Promise<void> {
    if (this.loop.isRunning) return;
    await this.loop.start();
    this.loop.every(60_000, PRUNE_EVERY_MS, () => void this.prune());
  }

  /** Stops claiming, interrupts what is in flight and hands those leases back, so another instance resumes at once. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Looks for due work now (coalesced). */
  kick(): void {
    this.loop.kick();
  }

  /** One pass of the loop: claims up to `room` due deliveries and launches them. */
  private async claim(room: number): Promise<number> {
    if (!(await anythingDue(this.db))) return 0; // idle: no transaction at all
    const claims = await claimDue(this.db, {
      limit: room,
      token: `${this.instanceId}:${newId('c', 10)}`,
      leaseMs: Math.max(this.options.leaseMs, 2 * this.options.timeoutMs),
    });
    for (const c of claims) this.launch(c);
    return claims.length;
  }

  private launch(claim: Claim): void {
    this.loop.launch((signal) =>
      this.deliver(claim, signal).catch((err) =>
        this.log.error({ err, deliveryId: claim.deliveryId }, 'webhook dispatcher: recording an attempt failed'),
      ),
    );
  }

  /** One attempt: check the address, sign, send, record. Whatever goes wrong before recording is a failed attempt. */
  private async deliver(claim: Claim, signal: AbortSignal): Promise<void> {
    const o = this.options;
    let outcome: AttemptOutcome;
    try {
      const url = new URL(claim.url);
      const addresses = await resolveWebhookTarget(url, { allowPrivate: o.allowPrivate, resolve: o.resolve }).catch((err: Error) => {
        throw new RefusedError(`refused: the URL ${err.message}`);
      });
      const headers = {
        ...signatureHeaders(claim.secrets, claim.eventId, Math.floor(Date.now() / 1000), claim.body),
        'user-agent': USER_AGENT,
        'x-maitre-event': claim.eventType,
        'x-maitre-delivery': claim.deliveryId,
        'x-maitre-attempt': String(claim.attempt),
      };
      outcome = await o.sender({ url, addresses, headers, body: claim.body, timeoutMs: o.timeoutMs, signal });
    } catch (err) {
      outcome = { statusCode: null, durationMs: 0, error: err instanceof RefusedError ? err.message : `could not send: ${(err as Error).message}`, excerpt: null };
    }
    if (signal.aborted && outcome.error !== null) {
      await releaseClaim(this.db, claim, { ...outcome, error: 'interrupted: the server shut down; another attempt follows' });
      this.metrics?.webhookAttempts.inc({ outcome: 'interrupted' });
      return;
    }
    const { state, retryInMs } = await recordOutcome(this.db, claim, outcome, {
      retryDelayMs: (attempt) => retryDelay(o.retryDelaysMs, attempt, o.random),
      disableAfterMs: o.disableAfterMs,
      disableReason: `every attempt failed for ${Math.round(o.disableAfterMs / 86_400_000)} consecutive days`,
    });
    this.metrics?.webhookAttempts.inc({ outcome: state });
    this.metrics?.webhookAttemptDuration.observe(outcome.durationMs / 1000);
    if (state !== 'succeeded') {
      this.log.warn(
        { deliveryId: claim.deliveryId, endpointId: claim.endpointId, eventId: claim.eventId, attempt: claim.attempt,
          statusCode: outcome.statusCode, error: outcome.error, state, retryInMs },
        'webhook attempt failed',
      );
    }
    if (retryInMs !== null) this.loop.wakeIn(retryInMs + 5);
  }

  private async prune(): Promise<void> {
    try {
      const n = await pruneEvents(this.db, this.options.retentionDays);
      if (n > 0) this.log.info({ deleted: n }, 'webhook events past retention deleted');
    } catch (err) {
      this.log.warn({ err }, 'webhook event pruning failed');
    }
  }
}
