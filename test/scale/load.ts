/**
 * Steady background load for the fault suites: `concurrency` workers send requests back to back until stopped,
 * each answer recorded with the phase of the experiment it was sent in (before, outage, after...).
 */
import { request, type Answer } from './http.js';

export interface Shot {
  phase: string;
  target: string;
  method: string;
  status: number;
  code?: string;
  retryAfter?: string;
  /** The reservation id of a 201. */
  id?: string;
  error?: string;
}

export interface ShotSpec {
  target: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export class Load {
  phase = 'before';
  readonly shots: Shot[] = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(concurrency: number, spec: (i: number) => ShotSpec) {
    let next = 0;
    const worker = async () => {
      while (!this.stopped) {
        const s = spec(next++);
        const phase = this.phase;
        const a: Answer = await request(s.target, s.method, s.path, { headers: s.headers, body: s.body, timeoutMs: 20_000 });
        this.shots.push({
          phase, target: s.target, method: s.method, status: a.status, error: a.error,
          code: a.body?.error?.code, retryAfter: a.headers['retry-after'] as string | undefined,
          id: a.status === 201 ? a.body?.id : undefined,
        });
      }
    };
    this.done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => {});
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.done;
  }

  count(filter: (s: Shot) => boolean): number {
    return this.shots.filter(filter).length;
  }

  /** Counts by phase and status (transport errors as "0:CODE"). */
  summary(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const s of this.shots) {
      const byStatus = (out[s.phase] ??= {});
      const k = s.status === 0 ? `0:${s.error}` : String(s.status);
      byStatus[k] = (byStatus[k] ?? 0) + 1;
    }
    return out;
  }
}
