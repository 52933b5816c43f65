/**
 * Sending one guest email over SMTP with nodemailer (MAITRE_SMTP_URL), and what an outcome means:
 * - accepted: sent;
 * - a 4xx reply, or no reply at all (connection refused, reset, timed out, TLS failure): temporary, retried later;
 * - a 5xx reply (a rejected recipient or message, a bounce at submission): permanent, failed with the server's reply.
 * The error text kept for the dashboard is the server's reply; logs get only the codes (no address, no body).
 */
import nodemailer from 'nodemailer';

export interface OutgoingMessage {
  id: string;
  kind: string;
  to: string;
  fromName: string | null;
  fromAddress: string;
  replyTo: string | null;
  subject: string;
  text: string;
  html: string;
  ics: string | null;
  language: string;
}

export type SendOutcome =
  | { ok: true; smtpMessageId: string | null; response: string | null }
  | { ok: false; permanent: boolean; error: string; responseCode: number | null; code: string | null };

export interface Mailer {
  send(message: OutgoingMessage): Promise<SendOutcome>;
  close(): void;
}

const MAX_ERROR = 1000;

/** How an SMTP failure is classified (see the module comment). */
export function classify(err: unknown): Extract<SendOutcome, { ok: false }> {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const reply = typeof e.response === 'string' && e.response !== '' ? e.response : null;
  const error = (reply ?? e.message ?? String(err)).slice(0, MAX_ERROR);
  return { ok: false, permanent: responseCode !== null && responseCode >= 500, error, responseCode, code: typeof e.code === 'string' ? e.code : null };
}

function icsMethod(ics: string): string {
  return /^METHOD:CANCEL\r?$/m.test(ics) ? 'CANCEL' : 'REQUEST';
}

export function smtpMailer(url: string, options: { timeoutMs?: number } = {}): Mailer {
  const timeout = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport(url, {});
  // Timeouts: an SMTP server that hangs costs one attempt, never a stuck worker.
  Object.assign(transport.options as object, { connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    async send(m) {
      try {
        const info = await transport.sendMail({
          messageId: `<${m.id}@maitre>`,
          from: { name: m.fromName ?? '', address: m.fromAddress },
          to: m.to,
          ...(m.replyTo ? { replyTo: m.replyTo } : {}),
          subject: m.subject,
          text: m.text,
          html: m.html,
          ...(m.ics ? { icalEvent: { method: icsMethod(m.ics), filename: 'booking.ics', content: m.ics } } : {}),
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Maitre-Message': m.id, 'X-Maitre-Kind': m.kind, 'Content-Language': m.language },
        });
        const rejected = (info as { rejected?: unknown[] }).rejected ?? [];
        if (rejected.length > 0) return { ok: false, permanent: true, error: String((info as { response?: string }).response ?? 'recipient rejected').slice(0, MAX_ERROR), responseCode: null, code: 'EENVELOPE' };
        return { ok: true, smtpMessageId: (info as { messageId?: string }).messageId ?? null, response: (info as { response?: string }).response ?? null };
      } catch (err) {
        return classify(err);
      }
    },
    close() {
      transport.close();
    },
  };
}
