/**
 * The widget's only network code. Every request goes to `{endpoint}/v1/restaurants/{restaurant}/…`: the Maitre server
 * itself (with the `key` attribute sent as `x-api-key`) or a proxy on the restaurant's own site that adds the key.
 * Answers are either data or one WidgetError, which the UI turns into plain words.
 */

export type WidgetError =
  /** The server answered with the error envelope `{ error: { code, message, details } }`. */
  | { kind: 'api'; status: number; code: string; message: string; details: Record<string, unknown>; retryAfter: number | null }
  /** The server answered, but the browser may not let this page read it (CORS: origin not allowed, or key refused). */
  | { kind: 'blocked' }
  /** Nothing answered: offline, DNS, server down. */
  | { kind: 'network' };

export type Result<T> = { ok: true; status: number; data: T } | { ok: false; error: WidgetError };

export interface Slot {
  time: string;
  service?: string;
  available: boolean;
  reason?: string;
  detail?: string;
  startsAt: string;
}

export interface Availability {
  date: string;
  partySize: number;
  timezone: string;
  closed: boolean;
  slots: Slot[];
}

/** GET /hours: the services of each date, with closures and special hours applied. */
export interface Hours {
  timezone: string;
  days: { date: string; closed: boolean; closureReason: string | null; services: { key: string; name: string }[] }[];
}

export interface Reservation {
  reference: string;
  status: string;
  date: string;
  time: string;
  partySize: number;
}

export interface GuestReservation extends Reservation {
  cutoffAt: string;
  changeable: boolean;
  guestName: string | null;
  restaurant: { name: string; slug: string; timezone: string };
}

export interface BookingBody {
  date: string;
  time: string;
  partySize: number;
  /** `marketingConsent` is sent only when the guest ticked the box (absent never withdraws a consent). */
  customer: { name: string; email?: string; phone?: string; marketingConsent?: true };
  notes?: string;
  source: string;
  /** The widget's language: the booking's emails are written in it. */
  language: 'en' | 'fr';
}

/** A fresh Idempotency-Key: one per booking attempt, re-sent as is when the same attempt is sent again. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return `mw-${c.randomUUID()}`;
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return `mw-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function retryAfterOf(res: Response, details: Record<string, unknown>): number | null {
  const header = Number(res.headers.get('retry-after'));
  if (Number.isFinite(header) && header > 0) return Math.ceil(header);
  const fromBody = Number(details.retryAfterSeconds);
  return Number.isFinite(fromBody) && fromBody > 0 ? Math.ceil(fromBody) : null;
}

export class BookingClient {
  private readonly base: string;

  constructor(endpoint: string, private readonly restaurant: string, private readonly key: string | null) {
    this.base = new URL(endpoint, document.baseURI).href.replace(/\/+$/, '');
  }

  private url(path: string): string {
    return `${this.base}/v1/restaurants/${encodeURIComponent(this.restaurant)}${path}`;
  }

  availability(date: string, partySize: number): Promise<Result<Availability>> {
    const q = new URLSearchParams({ date, partySize: String(partySize) });
    return this.send<Availability>('GET', `/availability?${q}`, undefined, {}, true);
  }

  hours(from: string, to: string): Promise<Result<Hours>> {
    const q = new URLSearchParams({ from, to });
    return this.send<Hours>('GET', `/hours?${q}`, undefined, {}, true);
  }

  book(body: BookingBody, idempotencyKey: string): Promise<Result<Reservation>> {
    return this.send<Reservation>('POST', '/reservations', body, { 'idempotency-key': idempotencyKey }, true);
  }

  guest(action: 'lookup' | 'cancel' | 'reschedule', body: Record<string, unknown>): Promise<Result<GuestReservation>> {
    return this.send<GuestReservation>('POST', `/guest/${action}`, body, {}, false); // guest routes take no key
  }

  private async send<T>(method: string, path: string, body: unknown, extra: Record<string, string>, keyed: boolean): Promise<Result<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (keyed && this.key) headers['x-api-key'] = this.key;
    const url = this.url(path);
    let res: Response;
    try {
      res = await fetch(url, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store', mode: 'cors',
      });
    } catch {
      return { ok: false, error: await this.diagnose(url) };
    }
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    if (res.ok) return { ok: true, status: res.status, data: json as T };
    const envelope = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    const details = envelope && typeof envelope.details === 'object' && envelope.details !== null ? (envelope.details as Record<string, unknown>) : {};
    return {
      ok: false,
      error: {
        kind: 'api',
        status: res.status,
        code: typeof envelope?.code === 'string' ? envelope.code : res.status >= 500 ? 'internal_error' : 'unknown',
        message: typeof envelope?.message === 'string' ? envelope.message : `HTTP ${res.status}`,
        details,
        retryAfter: retryAfterOf(res, details),
      },
    };
  }

  /**
   * A fetch that throws tells "no answer" and "an answer this page may not read" apart only by asking again in
   * `no-cors` mode: an opaque answer means the server is up and refused to share its answer with this origin.
   */
  private async diagnose(url: string): Promise<WidgetError> {
    try {
      await fetch(url, { method: 'GET', mode: 'no-cors', credentials: 'omit', cache: 'no-store' });
      return { kind: 'blocked' };
    } catch {
      return { kind: 'network' };
    }
  }
}
