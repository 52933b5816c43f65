/**
 * A background worker that claims due work from the database and runs it: the scheduling shared by the webhook
 * dispatcher and the notification worker (one of each per instance, all sharing the work through the database).
 * - Woken by a kick (a NOTIFY on `channel` after a commit, a finished job, the owner), by a timer the owner sets for
 *   the next due time (`wakeIn`), and by a poll every `pollIntervalMs` (the safety net: missed notifications, other
 *   instances' retries, due times nobody announced).
 * - A pass asks the owner to claim up to `room` jobs (concurrency minus the jobs in flight) and to `launch` each one.
 *   Kicks during a pass are coalesced into one more pass, never two at once; a full claim looks again at once.
 * - stop(): no timer, no listener and no pass after it; it waits for the pass under way (a claim being taken is
 *   launched, not lost), then, with `interruptOnStop`, aborts the jobs in flight (their signals), and waits for them.
 * Periodic chores that need no claim (hourly pruning) run on `every`, on the same timers, cleared by stop().
 * (src/http/periodic.ts is the plain interval task of a Fastify app: no kick, no claims, no jobs in flight.)
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/types.js';

export interface ClaimLoopOptions {
  /** Names the loop in its log lines ("webhook dispatcher"). */
  name: string;
  /** What a failed pass was doing, logged as `${name}: ${failure}` ("claiming deliveries failed"). */
  failure: string;
  db: Db;
  log: FastifyBaseLogger;
  /** The LISTEN channel whose notifications (and reconnections) wake the loop. */
  channel: string;
  /** Read at each use, so an owner's options tuned before start() apply. */
  pollIntervalMs: () => number;
  /** Jobs in flight at once on this instance; read at each pass. */
  concurrency: () => number;
  /** Claims up to `room` (> 0) due jobs and launches each with loop.launch(); resolves to the number claimed. */
  claim: (room: number) => Promise<number>;
  /** stop() aborts the jobs in flight (their signals) before waiting for them; otherwise it lets them finish. */
  interruptOnStop?: boolean;
}

interface Job {
  abort: AbortController;
  done: Promise<void>;
}

export class ClaimLoop {
  private readonly jobs = new Set<Job>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private unlisten?: () => Promise<void>;
  private running = false;
  private ticking = false;
  private again = false;
  private currentTick: Promise<void> = Promise.resolve();

  constructor(private readonly o: ClaimLoopOptions) {}

  /** Jobs in flight. */
  get active(): number {
    return this.jobs.size;
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unlisten = await this.o.db.listen(this.o.channel, () => this.kick(), () => this.kick());
    this.schedulePoll();
    this.kick();
  }

  /** Stops claiming and drains: see the module comment. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.unlisten?.().catch(() => {});
    await this.currentTick; // a claim being taken right now is launched before we interrupt or wait
    if (this.o.interruptOnStop) for (const j of this.jobs) j.abort.abort();
    await Promise.allSettled([...this.jobs].map((j) => j.done));
  }

  /** Looks for due work now (coalesced with a pass under way). */
  kick(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.currentTick = this.tick();
  }

  /** Kicks after `delayMs` (a retry the owner scheduled falls due). */
  wakeIn(delayMs: number): void {
    this.later(() => this.kick(), delayMs);
  }

  /** Runs `fn` after `firstMs`, then every `everyMs`, while running. */
  every(firstMs: number, everyMs: number, fn: () => void): void {
    this.later(() => {
      fn();
      this.every(everyMs, everyMs, fn);
    }, firstMs);
  }

  /** Runs one claimed job; when it settles, the loop looks for more. `run` should catch what it can: a rejection is logged. */
  launch(run: (signal: AbortSignal) => Promise<void>): void {
    const abort = new AbortController();
    const job: Job = { abort, done: Promise.resolve() };
    job.done = run(abort.signal)
      .catch((err) => this.o.log.error({ err }, `${this.o.name}: a job failed`))
      .finally(() => {
        this.jobs.delete(job);
        this.kick();
      });
    this.jobs.add(job);
  }

  private later(fn: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.running) fn();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private schedulePoll(): void {
    this.later(() => {
      this.kick();
      this.schedulePoll();
    }, this.o.pollIntervalMs());
  }

  private async tick(): Promise<void> {
    this.ticking = true;
    try {
      do {
        this.again = false;
        const room = this.o.concurrency() - this.jobs.size;
        // `continue`, not `break`: a kick that arrived during this pass (a NOTIFY whose commit the claim did not see
        // yet) sets `again`, and the loop condition then looks once more instead of waiting for the next poll.
        if (room <= 0 || !this.running) continue;
        const claimed = await this.o.claim(room);
        if (claimed >= room) this.again = true;
      } while (this.again && this.running);
    } catch (err) {
      if (this.running) this.o.log.error({ err }, `${this.o.name}: ${this.o.failure}`);
    } finally {
      this.ticking = false;
    }
  }
}
