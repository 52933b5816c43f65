/**
 * The notification worker: one per instance (started with the app like the webhook dispatcher), all sharing the
 * queue through the database.
 * - Woken by the NOTIFY of a queued message (on commit), by its own timer when a retry falls due, and by a poll (the
 *   safety net, and how a reminder's time comes): the scheduling is ClaimLoop's (src/background/claim-loop.ts).
 * - Claims due messages with FOR UPDATE SKIP LOCKED (one statement), taking a lease (locked_until): two instances never
 *   hold the same message, and a message whose instance died mid-send is claimable again once the lease ends — a
 *   restart loses none.
 * - Sends with no transaction open. Sent: `sent`. A temporary failure (4xx, connection errors): `pending` again after
 *   the next delay of MAITRE_NOTIFY_RETRY_DELAYS; when none is left, `failed`. A permanent one (5xx): `failed` with the
 *   server's reply. Outcomes are recorded only by the claim's holder (claimed_by), so a stale instance cannot overwrite.
 * - A reminder is written when it falls due, at the start of a pass (due.ts); only written messages are claimed.
 * - Without MAITRE_SMTP_URL, due messages become `not_sent`: rendered and kept, visible in the dashboard. A message due at
 *   once is written so by its booking (queries.ts initialStatus); the passes, which mark the rest (a reminder when due,
 *   a message another instance queued), run at most every `notSendingPassMs`, however many commits wake the worker.
 * An SMTP server that is down never touches a booking: bookings only insert rows.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/types.js';
import { ClaimLoop } from '../../background/claim-loop.js';
import { prepared } from '../../db/prepared.js';
import { newId } from '../../lib/ids.js';
import { smtpMailer, type Mailer, type OutgoingMessage, type SendOutcome } from './mailer.js';
import { writeDueReminders } from './due.js';
import type { MessageDefaults } from './links.js';
import { MESSAGE_CHANNEL, NOT_SENT_REASON } from './queries.js';

export interface WorkerOptions {
  /** Delay before retry n (n = 1..length) after a temporary failure; after the last one the message is failed. */
  retryDelaysMs: number[];
  /** How long a claim is ours; then the message is claimable again. */
  leaseMs: number;
  pollIntervalMs: number;
  /** Messages sent at once by this instance. */
  concurrency: number;
  /**
   * Without SMTP, the least time between two passes: marking messages not sent is bookkeeping, so it does not chase
   * every commit's wake-up (a pass is a few round trips; under a booking rush it ran for nearly every batch).
   */
  notSendingPassMs: number;
  /** MAITRE_PUBLIC_URL and MAITRE_SMTP_FROM: the sender of a message whose restaurant sets none, and what a reminder is written with. */
  messages: MessageDefaults;
}

const DEFAULTS: Omit<WorkerOptions, 'retryDelaysMs' | 'messages'> = { leaseMs: 60_000, pollIntervalMs: 1_000, concurrency: 4, notSendingPassMs: 250 };

/** Both claims read the due messages in their index's order and update them by id (TransactionOptions.claimPlan). */
const CLAIMING = { claimPlan: true } as const;

export const CLAIM_SQL = prepared('maitre_messages_claim', `UPDATE guest_messages m
    SET attempts = m.attempts + 1, locked_until = $2, next_attempt_at = $2, claimed_by = $3, updated_at = $1
  WHERE m.id IN (SELECT id FROM guest_messages WHERE status = 'pending' AND next_attempt_at <= $1 AND text_body IS NOT NULL
                  ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
  RETURNING m.id, m.kind, m.recipient, m.from_name, m.from_address, m.reply_to, m.subject, m.text_body, m.html_body, m.ics, m.language,
            m.attempts, m.claimed_by`);

export const NOT_SENT_SQL = prepared('maitre_messages_not_sent', `UPDATE guest_messages SET status = 'not_sent', last_error = '${NOT_SENT_REASON}',
    locked_until = NULL, claimed_by = NULL, updated_at = $1
  WHERE id IN (SELECT id FROM guest_messages WHERE status = 'pending' AND next_attempt_at <= $1 AND text_body IS NOT NULL
                ORDER BY next_attempt_at LIMIT 500 FOR UPDATE SKIP LOCKED)`);

interface Claimed {
  message: OutgoingMessage;
  attempts: number;
  token: string;
}

export class NotificationWorker {
  readonly options: WorkerOptions;
  readonly instanceId = newId('ntf', 12);
  private mailer: Mailer | null;
  private readonly loop: ClaimLoop;
  /** Without SMTP: when the last pass ran, and until when a deferred one is already scheduled (real time, not the app's clock). */
  private lastNotSendingPass = 0;
  private deferredUntil = 0;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number,
    options: Partial<WorkerOptions> & Pick<WorkerOptions, 'retryDelaysMs' | 'messages'> & { smtpUrl?: string; mailer?: Mailer | null },
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.mailer = options.mailer !== undefined ? options.mailer : options.smtpUrl ? smtpMailer(options.smtpUrl) : null;
    this.loop = new ClaimLoop({
      name: 'notification worker', failure: 'claiming messages failed', db, log, channel: MESSAGE_CHANNEL,
      pollIntervalMs: () => this.options.pollIntervalMs, concurrency: () => this.options.concurrency,
      claim: (room) => this.pass(room),
    });
  }

  /** Whether email is configured (MAITRE_SMTP_URL). */
  get sending(): boolean {
    return this.mailer !== null;
  }

  /** Replaces the mailer (tests: point at an SMTP server started after the app). */
  useMailer(mailer: Mailer | null): void {
    this.mailer?.close();
    this.mailer = mailer;
    this.kick();
  }

  async start(): Promise<void> {
    await this.loop.start();
  }

  /** Stops claiming and waits for the sends in flight to be recorded. */
  async stop(): Promise<void> {
    if (!this.loop.isRunning) return;
    await this.loop.stop();
    this.mailer?.close();
  }

  kick(): void {
    this.loop.kick();
  }

  /** One pass of the loop: without a mailer, due messages become not_sent; with one, up to `room` are claimed and sent. */
  private async pass(room: number): Promise<number> {
    if (!this.mailer && this.deferNotSendingPass()) return 0;
    const now = new Date(this.now());
    await writeDueReminders(this.db, this.options.messages, now.getTime(), (messageId, err) =>
      this.log.error({ err, messageId }, 'notification worker: a reminder could not be written; it is failed'));
    if (!this.mailer) {
      await this.db.transaction((tx) => tx.query(NOT_SENT_SQL, [now]), CLAIMING);
      return 0;
    }
    const claims = await this.claim(now, room);
    for (const c of claims) this.launch(c);
    return claims.length;
  }

  /** Without SMTP: true when a pass ran less than notSendingPassMs ago (one deferred pass is then scheduled). */
  private deferNotSendingPass(): boolean {
    const t = performance.now();
    const wait = this.lastNotSendingPass + this.options.notSendingPassMs - t;
    if (wait <= 0) {
      this.lastNotSendingPass = t;
      return false;
    }
    if (this.deferredUntil <= t) {
      this.deferredUntil = t + wait;
      this.loop.wakeIn(Math.ceil(wait));
    }
    return true;
  }

  private async claim(now: Date, limit: number): Promise<Claimed[]> {
    const token = `${this.instanceId}:${newId('c', 10)}`;
    const { rows } = await this.db.transaction((tx) => tx.query(CLAIM_SQL, [now, new Date(now.getTime() + this.options.leaseMs), token, limit]), CLAIMING);
    return rows.map((r) => ({
      token,
      attempts: r.attempts,
      message: {
        id: r.id, kind: r.kind, to: r.recipient, fromName: r.from_name, fromAddress: r.from_address ?? this.options.messages.from, replyTo: r.reply_to,
        subject: r.subject, text: r.text_body, html: r.html_body, ics: r.ics, language: r.language,
      },
    }));
  }

  private launch(c: Claimed): void {
    const mailer = this.mailer!;
    this.loop.launch(() =>
      mailer
        .send(c.message)
        .then((outcome) => this.record(c, outcome))
        .catch((err) => this.log.error({ err, messageId: c.message.id }, 'notification worker: recording an outcome failed')),
    );
  }

  /** The delay before the attempt after `attempt` (1-based) failed; null when none is left. */
  retryDelay(attempt: number): number | null {
    return this.options.retryDelaysMs[attempt - 1] ?? null;
  }

  private async record(c: Claimed, outcome: SendOutcome): Promise<void> {
    const now = new Date(this.now());
    const id = c.message.id;
    if (outcome.ok) {
      await this.db.query(
        `UPDATE guest_messages SET status = 'sent', sent_at = $3, smtp_message_id = $4, last_error = NULL, locked_until = NULL, updated_at = $3
          WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`,
        [id, c.token, now, outcome.smtpMessageId],
      );
      this.log.info({ messageId: id, kind: c.message.kind, attempt: c.attempts }, 'guest email sent');
      return;
    }
    const delay = outcome.permanent ? null : this.retryDelay(c.attempts);
    if (delay === null) {
      const error = outcome.permanent ? outcome.error : `gave up after ${c.attempts} attempt(s): ${outcome.error}`;
      await this.db.query(
        `UPDATE guest_messages SET status = 'failed', last_error = $3, locked_until = NULL, updated_at = $4
          WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`,
        [id, c.token, error, now],
      );
    } else {
      await this.db.query(
        `UPDATE guest_messages SET last_error = $3, locked_until = NULL, next_attempt_at = $4, updated_at = $5
          WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`,
        [id, c.token, outcome.error, new Date(now.getTime() + delay), now],
      );
      this.loop.wakeIn(delay + 5);
    }
    // Codes only: the server's reply may quote the address.
    this.log.warn(
      { messageId: id, kind: c.message.kind, attempt: c.attempts, responseCode: outcome.responseCode, code: outcome.code, final: delay === null },
      'guest email not sent',
    );
  }
}
