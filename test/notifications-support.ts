/** Shared by the notifications suites: a real in-process SMTP server, a live clock, waiting, the messages of a restaurant. */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import ICAL from 'ical.js';
import type { AddressInfo } from 'node:net';
import { TestClock } from './helpers/app.js';

export interface Received {
  raw: string;
  mail: ParsedMail;
  to: string[];
}

export interface SmtpSink {
  port: number;
  url: string;
  received: Received[];
  /** Per recipient: answer this SMTP code (e.g. 550) instead of accepting. */
  rejectRecipient: (address: string) => { code: number; message: string } | null;
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server (the `smtp-server` package) on 127.0.0.1; every accepted message is parsed with mailparser. */
export async function startSmtp(port = 0): Promise<SmtpSink> {
  const sink: SmtpSink = {
    port: 0, url: '', received: [], rejectRecipient: () => null,
    async waitFor(n, timeoutMs = 20_000) {
      await waitUntil(() => sink.received.length >= n, timeoutMs, () => `${sink.received.length}/${n} emails received`);
    },
    close: async () => {},
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const r = sink.rejectRecipient(address.address);
      if (!r) return callback();
      const err = Object.assign(new Error(r.message), { responseCode: r.code });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((mail) => {
            sink.received.push({ raw, mail, to: session.envelope.rcptTo.map((a) => a.address) });
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  sink.port = (server.server.address() as AddressInfo).port;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

/** A clock that runs in real time from a chosen instant (retries and leases need time to pass); advance() jumps. */
export class LiveClock extends TestClock {
  private offset: number;
  constructor(startMs: number) {
    super(startMs);
    this.offset = startMs - Date.now();
  }
  override now = () => Date.now() + this.offset;
  override advance(ms: number) {
    this.offset += ms;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what: () => string = () => 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what()}`);
    await sleep(25);
  }
}

/** The .ics of an email parsed with ical.js: the calendar, its VEVENT, and DTSTART as an instant (its VTIMEZONE applied). */
export function calendarOf(mail: ParsedMail) {
  const att = mail.attachments.find((a) => a.filename?.endsWith('.ics') || a.contentType.startsWith('application/ics'));
  if (!att) throw new Error(`no .ics attachment among ${mail.attachments.map((a) => `${a.filename} ${a.contentType}`).join(', ')}`);
  const text = att.content.toString('utf8');
  const cal = new ICAL.Component(ICAL.parse(text));
  const vtz = cal.getFirstSubcomponent('vtimezone');
  if (vtz) ICAL.TimezoneService.register(vtz);
  const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
  const dtstart = cal.getFirstSubcomponent('vevent')!.getFirstProperty('dtstart')!;
  return {
    text,
    method: cal.getFirstPropertyValue('method') as string,
    uid: event.uid,
    sequence: event.sequence,
    status: cal.getFirstSubcomponent('vevent')!.getFirstPropertyValue('status') as string,
    tzid: dtstart.getParameter('tzid') as string,
    localStart: event.startDate.toString(),
    startMs: event.startDate.toJSDate().getTime(),
    endMs: event.endDate.toJSDate().getTime(),
    summary: event.summary,
  };
}
