/**
 * Book a table: date and party size, the times (times.ts), the guest's details (details-form.ts), and the
 * confirmation. One booking attempt = one Idempotency-Key: the same details sent again (double click, Enter twice, a
 * retry after a network error) re-send the same key, so the server books once and replays its answer.
 */
import { newIdempotencyKey, type BookingBody, type Reservation } from './api.js';
import { labelled, partySelect, type WidgetContext } from './context.js';
import { DetailsForm } from './details-form.js';
import { h, todayLocal } from './dom.js';
import { formatDate } from './i18n.js';
import { TimePicker } from './times.js';

interface Attempt {
  /** The request body it was made for: the same body is the same attempt, sent again with the same key. */
  fingerprint: string;
  key: string;
  /** The server gave a final answer: the next press starts a new attempt with a new key. */
  settled: boolean;
  booked: boolean;
}

/** Errors after which the times shown are out of date. */
const STALE_TIMES = ['no_tables_available', 'slot_limit_reached', 'outside_opening_hours', 'event_sold_out'];

export class BookView {
  readonly el: HTMLElement;
  readonly done: HTMLElement;
  private readonly dateIn: HTMLInputElement;
  private readonly partyIn: HTMLSelectElement;
  private readonly times: TimePicker;
  private readonly details: DetailsForm;
  private readonly doneTitle: HTMLHeadingElement;
  private readonly doneText: HTMLParagraphElement;
  private readonly doneRef: HTMLParagraphElement;
  private attempt: Attempt | null = null;
  private inFlight = 0;

  /** `onBooked`: the confirmation is shown; `onManage`: the guest wants to change the booking just made. */
  constructor(
    private readonly ctx: WidgetContext,
    private readonly onBooked: (r: Reservation, contact: string) => void,
    onManage: () => void,
    onAnother: () => void,
  ) {
    const m = ctx.m;
    const today = todayLocal();
    this.dateIn = h('input', { type: 'date', id: 'mb-date', min: today, value: today, required: true, onchange: () => void this.refresh() });
    this.partyIn = partySelect(ctx, 'mb-party');
    this.partyIn.addEventListener('change', () => void this.refresh());
    this.times = new TimePicker(m, ctx.lang, (date) => {
      this.dateIn.value = date;
      void this.refresh().then(() => this.times.focus());
    });
    this.details = new DetailsForm(ctx, (e) => void this.submit(e));
    this.el = h(
      'section',
      { 'aria-labelledby': 'mb-title' },
      h('div', { class: 'row' }, labelled(m.date, this.dateIn), labelled(m.partySize, this.partyIn)),
      this.times.el,
      this.details.el,
    );

    this.doneTitle = h('h3', { tabindex: '-1', id: 'mb-done-title' }, m.confirmedTitle);
    this.doneText = h('p', {});
    this.doneRef = h('p', { class: 'ref', id: 'mb-reference' });
    this.done = h(
      'section',
      { class: 'ok', hidden: true, 'aria-labelledby': 'mb-done-title', part: 'confirmation' },
      this.doneTitle,
      this.doneText,
      h('p', { class: 'hint' }, m.reference),
      this.doneRef,
      h('p', { class: 'hint' }, m.keepReference),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn secondary', onclick: onManage }, m.manageThis),
        h('button', { type: 'button', class: 'btn secondary', onclick: onAnother }, m.bookAnother),
      ),
    );
  }

  focus(): void {
    this.dateIn.focus();
  }

  async refresh(keep: string | null = null): Promise<void> {
    if (!this.dateIn.value) {
      this.times.reset();
      return;
    }
    const out = await this.times.load(this.ctx.client, this.dateIn.value, Number(this.partyIn.value), keep);
    if (!out) return;
    if (out.result.ok) {
      this.ctx.clearError();
      this.ctx.say(out.summary ?? '');
    } else {
      this.ctx.showError(out.result.error);
    }
  }

  /** Back to an empty form for another booking. */
  again(): void {
    this.attempt = null;
    this.details.reset();
    void this.refresh();
  }

  private validate(): { body: BookingBody; contact: string } | null {
    const time = this.times.selected();
    const guest = this.details.read(time !== null);
    if (!time) {
      this.ctx.showMessages([this.ctx.m.chooseTime]);
      this.times.focus();
      return null;
    }
    if (!guest) return null;
    const body: BookingBody = {
      date: this.dateIn.value,
      time,
      partySize: Number(this.partyIn.value),
      customer: guest.customer,
      ...(guest.notes ? { notes: guest.notes } : {}),
      source: 'widget',
      language: this.ctx.lang,
    };
    return { body, contact: guest.contact };
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    this.ctx.clearError();
    const valid = this.validate();
    if (!valid) return;
    const fingerprint = JSON.stringify(valid.body);
    if (!this.attempt || this.attempt.settled || this.attempt.fingerprint !== fingerprint) {
      this.attempt = { fingerprint, key: newIdempotencyKey(), settled: false, booked: false };
    }
    const attempt = this.attempt;
    this.busy(true);
    this.ctx.say(this.ctx.m.submitting);
    try {
      const r = await this.ctx.client.book(valid.body, attempt.key);
      if (attempt.booked) return; // another send of this attempt already showed the confirmation
      if (r.ok) {
        attempt.booked = attempt.settled = true;
        this.confirm(r.data, valid.contact);
        return;
      }
      const err = r.error;
      if (err.kind === 'api' && err.code === 'idempotency_in_progress') return; // the first send's answer is on its way
      if (err.kind === 'api' && err.status < 500 && err.status !== 429) attempt.settled = true;
      this.ctx.showError(err);
      if (err.kind === 'api' && err.code === 'validation_failed') this.details.showIssues(err.details);
      else if (err.kind === 'api' && STALE_TIMES.includes(err.code)) void this.refresh();
    } finally {
      this.busy(false);
    }
  }

  private busy(on: boolean): void {
    this.inFlight += on ? 1 : -1;
    this.details.busy(this.inFlight > 0);
  }

  private confirm(r: Reservation, contact: string): void {
    const m = this.ctx.m;
    this.ctx.clearError();
    this.doneText.textContent = m.confirmedText(formatDate(r.date, this.ctx.lang), r.time, r.partySize);
    this.doneRef.textContent = r.reference;
    this.onBooked(r, contact);
    this.ctx.say(`${m.confirmedTitle}. ${m.reference}: ${r.reference}`);
    this.doneTitle.focus();
  }
}
