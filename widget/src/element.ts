/**
 * `<maitre-booking restaurant="demo" endpoint="https://…" [key="…"] [lang="en|fr"] [max-party-size="12"] [restaurant-name="…"]>`:
 * book a table (date, party size, times, details, an unticked marketing-consent box, confirmation) and manage a booking
 * (look up, move, cancel).
 * Shadow DOM, no framework; the only requests go to `endpoint` (see api.ts).
 */
import { BookingClient, newIdempotencyKey, type BookingBody, type GuestReservation, type Reservation, type WidgetError } from './api.js';
import { clear, h, todayLocal } from './dom.js';
import { formatDate, formatInstant, MESSAGES, pickLang, type Lang, type Messages } from './i18n.js';
import { CSS } from './styles.js';
import { TimePicker } from './times.js';

type Field = 'name' | 'email' | 'phone' | 'notes';

interface Attempt {
  /** The request body it was made for: the same body is the same attempt, sent again with the same key. */
  fingerprint: string;
  key: string;
  /** The server gave a final answer: the next press starts a new attempt with a new key. */
  settled: boolean;
  booked: boolean;
}

interface Proof {
  reference: string;
  contact: string;
}

let sheet: CSSStyleSheet | null = null;

function sharedSheet(): CSSStyleSheet | null {
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    return sheet;
  } catch {
    return null; // no constructable stylesheets: fall back to a <style> element
  }
}

export class MaitreBooking extends HTMLElement {
  static readonly observedAttributes = ['restaurant', 'endpoint', 'key', 'lang', 'max-party-size', 'restaurant-name'];

  private readonly root: ShadowRoot;
  private m: Messages = MESSAGES.en;
  private language: Lang = 'en';
  private client: BookingClient | null = null;
  private attempt: Attempt | null = null;
  private inFlight = 0;
  private proof: Proof | null = null;
  private booking: GuestReservation | null = null;

  // Elements, created by render().
  private statusEl!: HTMLParagraphElement;
  private errorEl!: HTMLDivElement;
  private toggleBtn!: HTMLButtonElement;
  private bookView!: HTMLElement;
  private doneView!: HTMLElement;
  private manageView!: HTMLElement;
  private dateIn!: HTMLInputElement;
  private partyIn!: HTMLSelectElement;
  private times!: TimePicker;
  private form!: HTMLFormElement;
  private inputs!: Record<Field, HTMLInputElement | HTMLTextAreaElement>;
  private fieldErrors!: Record<Field, HTMLParagraphElement>;
  private consentIn!: HTMLInputElement;
  private submitBtn!: HTMLButtonElement;
  private doneTitle!: HTMLHeadingElement;
  private doneText!: HTMLParagraphElement;
  private doneRef!: HTMLParagraphElement;
  private lookupForm!: HTMLFormElement;
  private refIn!: HTMLInputElement;
  private contactIn!: HTMLInputElement;
  private manageTitle!: HTMLHeadingElement;
  private bookingBox!: HTMLElement;
  private bookingList!: HTMLDListElement;
  private bookingNote!: HTMLParagraphElement;
  private changeBox!: HTMLElement;
  private moveDate!: HTMLInputElement;
  private moveParty!: HTMLSelectElement;
  private moveTimes!: TimePicker;
  private moveBtn!: HTMLButtonElement;
  private cancelBtn!: HTMLButtonElement;
  private confirmRow!: HTMLElement;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
  }

  connectedCallback(): void {
    this.render();
  }

  attributeChangedCallback(_name: string, old: string | null, value: string | null): void {
    if (this.isConnected && old !== value) this.render();
  }

  // ---------------------------------------------------------------- layout

  private render(): void {
    this.language = pickLang(this.getAttribute('lang'));
    const m = (this.m = MESSAGES[this.language]);
    const restaurant = this.getAttribute('restaurant')?.trim() ?? '';
    const endpoint = this.getAttribute('endpoint')?.trim() ?? '';
    const key = this.getAttribute('key')?.trim() || null;
    this.attempt = null;
    this.proof = null;
    this.booking = null;

    const css = sharedSheet();
    if (css) this.root.adoptedStyleSheets = [css];
    clear(this.root, css ? null : h('style', {}, CSS));

    this.statusEl = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', part: 'status' });
    this.errorEl = h('div', { class: 'error', role: 'alert', part: 'error', hidden: true });
    try {
      this.client = restaurant && endpoint ? new BookingClient(endpoint, restaurant, key) : null;
    } catch {
      this.client = null;
    }
    const box = h('div', { class: 'box', part: 'container', lang: this.language });
    this.root.append(box);
    if (!this.client) {
      box.append(this.errorEl);
      this.showMessages([m.misconfigured]);
      return;
    }

    this.toggleBtn = h('button', { type: 'button', class: 'link', onclick: () => this.toggleView() }, m.manageLink);
    const top = h('div', { class: 'top' }, h('h2', { id: 'mb-title', tabindex: '-1' }, m.title), this.toggleBtn);
    this.bookView = this.renderBook();
    this.doneView = this.renderDone();
    this.manageView = this.renderManage();
    box.append(top, this.bookView, this.doneView, this.manageView, this.statusEl, this.errorEl);
    this.refreshTimes();
  }

  private partySelect(id: string, selected = 2): HTMLSelectElement {
    const max = Math.min(50, Math.max(1, Number(this.getAttribute('max-party-size')) || 12));
    const select = h('select', { id });
    for (let n = 1; n <= max; n++) select.append(h('option', { value: String(n), selected: n === Math.min(selected, max) }, this.m.guests(n)));
    return select;
  }

  private field(id: Field, label: string, control: HTMLInputElement | HTMLTextAreaElement, optional: boolean, hint?: string): HTMLElement {
    const err = h('p', { class: 'ferr', id: `mb-${id}-err`, hidden: true });
    const hintEl = hint ? h('p', { class: 'hint', id: `mb-${id}-hint` }, hint) : null;
    control.id = `mb-${id}`;
    control.setAttribute('aria-describedby', [hintEl ? hintEl.id : '', err.id].filter(Boolean).join(' '));
    this.inputs[id] = control;
    this.fieldErrors[id] = err;
    control.addEventListener('input', () => this.setFieldError(id, null));
    return h('div', { class: 'field' }, h('label', { for: control.id }, label, optional ? h('span', { class: 'opt' }, ` (${this.m.optional})`) : null), control, hintEl, err);
  }

  private renderBook(): HTMLElement {
    const m = this.m;
    const today = todayLocal();
    this.dateIn = h('input', { type: 'date', id: 'mb-date', min: today, value: today, required: true, onchange: () => this.refreshTimes() });
    this.partyIn = this.partySelect('mb-party');
    this.partyIn.addEventListener('change', () => this.refreshTimes());
    this.times = new TimePicker(m, this.language);
    this.inputs = {} as Record<Field, HTMLInputElement>;
    this.fieldErrors = {} as Record<Field, HTMLParagraphElement>;
    this.submitBtn = h('button', { type: 'submit', class: 'btn', part: 'button' }, m.submit);
    // Marketing consent: unticked by default, and only a ticked box is sent (unticked never withdraws a consent).
    this.consentIn = h('input', { type: 'checkbox', id: 'mb-consent' });
    const restaurantName = this.getAttribute('restaurant-name')?.trim() || null;
    this.form = h(
      'form',
      { class: 'details', novalidate: true, 'aria-labelledby': 'mb-details-title', onsubmit: (e: Event) => void this.submitBooking(e) },
      h('h3', { id: 'mb-details-title' }, m.details),
      this.field('name', m.name, h('input', { type: 'text', autocomplete: 'name', maxlength: '200', required: true }), false),
      h(
        'div',
        { class: 'row' },
        this.field('email', m.email, h('input', { type: 'email', autocomplete: 'email', maxlength: '254' }), true),
        this.field('phone', m.phone, h('input', { type: 'tel', autocomplete: 'tel', maxlength: '40' }), true, m.phoneHint),
      ),
      this.field('notes', m.notes, h('textarea', { maxlength: '2000', rows: '3' }), true),
      h('div', { class: 'check' }, this.consentIn, h('label', { for: 'mb-consent' }, m.marketingConsent(restaurantName))),
      h('div', { class: 'actions' }, this.submitBtn),
    );
    return h(
      'section',
      { 'aria-labelledby': 'mb-title' },
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: 'mb-date' }, m.date), this.dateIn),
        h('div', { class: 'field' }, h('label', { for: 'mb-party' }, m.partySize), this.partyIn),
      ),
      this.times.el,
      this.form,
    );
  }

  private renderDone(): HTMLElement {
    const m = this.m;
    this.doneTitle = h('h3', { tabindex: '-1', id: 'mb-done-title' }, m.confirmedTitle);
    this.doneText = h('p', {});
    this.doneRef = h('p', { class: 'ref', id: 'mb-reference' });
    return h(
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
        h('button', { type: 'button', class: 'btn secondary', onclick: () => void this.manageFromConfirmation() }, m.manageThis),
        h('button', { type: 'button', class: 'btn secondary', onclick: () => this.bookAnother() }, m.bookAnother),
      ),
    );
  }

  private renderManage(): HTMLElement {
    const m = this.m;
    this.refIn = h('input', { type: 'text', id: 'mb-ref', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '40', required: true });
    this.contactIn = h('input', { type: 'text', id: 'mb-contact', autocomplete: 'email', maxlength: '254', required: true });
    this.manageTitle = h('h3', { tabindex: '-1', id: 'mb-manage-title' }, m.lookupTitle);
    this.lookupForm = h(
      'form',
      { novalidate: true, 'aria-labelledby': 'mb-manage-title', onsubmit: (e: Event) => void this.lookup(e) },
      h('p', { class: 'hint', id: 'mb-lookup-hint' }, m.lookupHint),
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: 'mb-ref' }, m.referenceLabel), this.refIn),
        h('div', { class: 'field' }, h('label', { for: 'mb-contact' }, m.contactLabel), this.contactIn),
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, m.find)),
    );

    this.bookingList = h('dl', { id: 'mb-booking' });
    this.bookingNote = h('p', { class: 'hint' });
    this.moveDate = h('input', { type: 'date', id: 'mb-move-date', min: todayLocal(), required: true, onchange: () => this.refreshMoveTimes() });
    this.moveParty = this.partySelect('mb-move-party');
    this.moveParty.addEventListener('change', () => this.refreshMoveTimes());
    this.moveTimes = new TimePicker(m, this.language);
    this.moveBtn = h('button', { type: 'submit', class: 'btn' }, m.move);
    this.cancelBtn = h('button', { type: 'button', class: 'btn secondary', onclick: () => this.askCancel() }, m.cancel);
    this.confirmRow = h(
      'div',
      { class: 'actions', hidden: true },
      h('button', { type: 'button', class: 'btn', onclick: () => void this.cancelBooking() }, m.cancelConfirm),
      h('button', { type: 'button', class: 'btn secondary', onclick: () => this.keepBooking() }, m.cancelKeep),
    );
    this.changeBox = h(
      'div',
      {},
      h(
        'form',
        { novalidate: true, 'aria-labelledby': 'mb-move-title', onsubmit: (e: Event) => void this.reschedule(e) },
        h('h3', { id: 'mb-move-title' }, m.moveTitle),
        h(
          'div',
          { class: 'row' },
          h('div', { class: 'field' }, h('label', { for: 'mb-move-date' }, m.date), this.moveDate),
          h('div', { class: 'field' }, h('label', { for: 'mb-move-party' }, m.partySize), this.moveParty),
        ),
        this.moveTimes.el,
        h('div', { class: 'actions' }, this.moveBtn),
      ),
      h('h3', {}, m.cancelTitle),
      h('div', { class: 'actions' }, this.cancelBtn),
      this.confirmRow,
    );
    this.bookingBox = h(
      'div',
      { hidden: true, part: 'booking' },
      h('h3', { id: 'mb-booking-title', tabindex: '-1' }, m.yourBooking),
      this.bookingList,
      this.bookingNote,
      this.changeBox,
    );
    return h('section', { hidden: true, 'aria-labelledby': 'mb-manage-title' }, this.manageTitle, this.lookupForm, this.bookingBox);
  }

  // ---------------------------------------------------------------- messages

  private say(text: string): void {
    this.statusEl.textContent = text;
  }

  private clearError(): void {
    this.errorEl.hidden = true;
    clear(this.errorEl);
  }

  private showMessages(lines: string[]): void {
    clear(this.errorEl, ...lines.map((l) => h('p', {}, l)));
    this.errorEl.hidden = false;
  }

  /** Every error the API can answer, in plain words (API.md §5), plus the browser-level failures. */
  private explain(error: WidgetError): string[] {
    const m = this.m;
    const origin = location.origin;
    if (error.kind === 'network') return [m.network];
    if (error.kind === 'blocked') return [m.blocked(origin), m.blockedOwner(origin)];
    const lines = [m.errors[error.code] ?? m.fallback(error.message)];
    const d = error.details;
    const timeZone = this.booking?.restaurant.timezone ?? 'UTC';
    switch (error.code) {
      case 'origin_not_allowed':
        lines.push(m.blockedOwner(typeof d.origin === 'string' ? d.origin : origin));
        break;
      case 'rate_limit_exceeded':
      case 'service_unavailable':
      case 'idempotency_in_progress':
        if (error.retryAfter) lines[0] = `${lines[0]} ${m.retryIn(error.retryAfter)}`;
        break;
      case 'party_size_out_of_range':
        if (typeof d.minPartySize === 'number' && typeof d.maxPartySize === 'number') lines.push(m.partyRange(d.minPartySize, d.maxPartySize));
        break;
      case 'event_sold_out':
        if (typeof d.seatsLeft === 'number') lines.push(m.seatsLeft(d.seatsLeft));
        break;
      case 'cancellation_cutoff_passed':
        if (typeof d.cutoffAt === 'string') lines.push(m.cutoffWas(formatInstant(d.cutoffAt, timeZone, this.language)));
        break;
    }
    return lines;
  }

  private showError(error: WidgetError): void {
    this.say('');
    this.showMessages(this.explain(error));
  }

  private setFieldError(field: Field, message: string | null): void {
    const input = this.inputs[field];
    const err = this.fieldErrors[field];
    if (message === null) {
      input.removeAttribute('aria-invalid');
      err.hidden = true;
      err.textContent = '';
    } else {
      input.setAttribute('aria-invalid', 'true');
      err.hidden = false;
      err.textContent = message;
    }
  }

  // ---------------------------------------------------------------- booking

  private async refreshTimes(keep: string | null = null): Promise<void> {
    if (!this.client || !this.dateIn.value) {
      this.times.reset();
      return;
    }
    const out = await this.times.load(this.client, this.dateIn.value, Number(this.partyIn.value), keep);
    if (!out) return;
    if (out.result.ok) {
      this.clearError();
      this.say(out.summary ?? '');
    } else {
      this.showError(out.result.error);
    }
  }

  private validateBooking(): { body: BookingBody; contact: string } | null {
    const m = this.m;
    for (const f of ['name', 'email', 'phone', 'notes'] as Field[]) this.setFieldError(f, null);
    const name = this.inputs.name.value.trim();
    const email = this.inputs.email.value.trim();
    const phone = this.inputs.phone.value.trim();
    const notes = this.inputs.notes.value.trim();
    const time = this.times.selected();
    let first: HTMLElement | null = null;
    const fail = (f: Field, msg: string) => {
      this.setFieldError(f, msg);
      first ??= this.inputs[f];
    };
    if (!name) fail('name', m.needName);
    if (!email && !phone) fail('email', m.needContact);
    else if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail('email', m.badEmail);
    if (!time) {
      this.showMessages([m.chooseTime]);
      this.times.focus();
      return null;
    }
    if (first) {
      this.showMessages([m.errors.validation_failed]);
      (first as HTMLElement).focus();
      return null;
    }
    const body: BookingBody = {
      date: this.dateIn.value,
      time,
      partySize: Number(this.partyIn.value),
      customer: { name, ...(email ? { email } : {}), ...(phone ? { phone } : {}), ...(this.consentIn.checked ? { marketingConsent: true as const } : {}) },
      ...(notes ? { notes } : {}),
      source: 'widget',
    };
    return { body, contact: email || phone };
  }

  /**
   * One booking attempt = one Idempotency-Key. Submitting the same details again (double click, Enter twice, retry
   * after a network error) re-sends the same key, so the server books once and replays its answer.
   */
  private async submitBooking(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.client) return;
    this.clearError();
    const valid = this.validateBooking();
    if (!valid) return;
    const fingerprint = JSON.stringify(valid.body);
    if (!this.attempt || this.attempt.settled || this.attempt.fingerprint !== fingerprint) {
      this.attempt = { fingerprint, key: newIdempotencyKey(), settled: false, booked: false };
    }
    const attempt = this.attempt;
    this.busy(true);
    this.say(this.m.submitting);
    try {
      const r = await this.client.book(valid.body, attempt.key);
      if (attempt.booked) return; // another send of this attempt already showed the confirmation
      if (r.ok) {
        attempt.booked = attempt.settled = true;
        this.confirm(r.data, valid.contact);
        return;
      }
      const err = r.error;
      if (err.kind === 'api' && err.code === 'idempotency_in_progress') return; // the first send's answer is on its way
      if (err.kind === 'api' && err.status < 500 && err.status !== 429) attempt.settled = true;
      this.showError(err);
      if (err.kind === 'api') this.afterBookingError(err.code, err.details);
    } finally {
      this.busy(false);
    }
  }

  private busy(on: boolean): void {
    this.inFlight += on ? 1 : -1;
    const busy = this.inFlight > 0;
    this.submitBtn.disabled = busy;
    this.submitBtn.setAttribute('aria-busy', String(busy));
    this.submitBtn.textContent = busy ? this.m.submitting : this.m.submit;
  }

  private afterBookingError(code: string, details: Record<string, unknown>): void {
    if (code === 'validation_failed') {
      const issues = Array.isArray(details.issues) ? (details.issues as { path?: unknown; message?: unknown }[]) : [];
      let first: HTMLElement | null = null;
      for (const issue of issues) {
        const path = typeof issue.path === 'string' ? issue.path : '';
        const field = (['name', 'email', 'phone', 'notes'] as Field[]).find((f) => path === f || path.endsWith(`.${f}`));
        if (!field) continue;
        const mine = field === 'email' ? this.m.badEmail : field === 'phone' ? this.m.badPhone : field === 'name' ? this.m.needName : null;
        this.setFieldError(field, mine ?? (typeof issue.message === 'string' ? issue.message : this.m.errors.validation_failed));
        first ??= this.inputs[field];
      }
      first?.focus();
    } else if (['no_tables_available', 'slot_limit_reached', 'outside_opening_hours', 'event_sold_out'].includes(code)) {
      void this.refreshTimes();
    }
  }

  private confirm(r: Reservation, contact: string): void {
    this.clearError();
    this.proof = { reference: r.reference, contact };
    this.doneText.textContent = this.m.confirmedText(formatDate(r.date, this.language), r.time, r.partySize);
    this.doneRef.textContent = r.reference;
    this.bookView.hidden = true;
    this.manageView.hidden = true;
    this.doneView.hidden = false;
    this.say(`${this.m.confirmedTitle}. ${this.m.reference}: ${r.reference}`);
    this.doneTitle.focus();
    this.dispatchEvent(new CustomEvent('maitre-booked', { detail: { reference: r.reference, date: r.date, time: r.time, partySize: r.partySize }, bubbles: true, composed: true }));
  }

  private bookAnother(): void {
    this.attempt = null;
    this.form.reset();
    this.doneView.hidden = true;
    this.showBook();
    void this.refreshTimes();
  }

  // ---------------------------------------------------------------- manage

  private toggleView(): void {
    if (this.manageView.hidden) this.showManage();
    else this.showBook();
  }

  private showBook(): void {
    this.clearError();
    this.say('');
    this.manageView.hidden = true;
    this.doneView.hidden = true;
    this.bookView.hidden = false;
    this.toggleBtn.textContent = this.m.manageLink;
    this.dateIn.focus();
  }

  private showManage(): void {
    this.clearError();
    this.say('');
    this.bookView.hidden = true;
    this.doneView.hidden = true;
    this.manageView.hidden = false;
    this.toggleBtn.textContent = this.m.bookLink;
    this.manageTitle.focus();
  }

  private async manageFromConfirmation(): Promise<void> {
    if (!this.proof) return;
    this.showManage();
    this.refIn.value = this.proof.reference;
    this.contactIn.value = this.proof.contact;
    await this.lookup();
  }

  private async lookup(e?: Event): Promise<void> {
    e?.preventDefault();
    if (!this.client) return;
    this.clearError();
    const reference = this.refIn.value.trim();
    const contact = this.contactIn.value.trim();
    if (!reference || !contact) {
      this.showMessages([this.m.lookupHint]);
      (reference ? this.contactIn : this.refIn).focus();
      return;
    }
    this.say(this.m.working);
    const r = await this.client.guest('lookup', { reference, contact });
    if (!r.ok) {
      this.bookingBox.hidden = true;
      this.showError(r.error);
      return;
    }
    this.proof = { reference, contact };
    this.showBooking(r.data, this.m.found);
    (this.root.getElementById('mb-booking-title') as HTMLElement | null)?.focus();
  }

  private showBooking(b: GuestReservation, announce: string): void {
    const m = this.m;
    this.booking = b;
    this.clearError();
    const row = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, value)];
    clear(
      this.bookingList,
      ...row(m.referenceLabel, b.reference),
      ...row(m.date, formatDate(b.date, this.language)),
      ...row(m.time, b.time),
      ...row(m.partySize, m.guests(b.partySize)),
      ...row(m.statusLabel, m.statusWord[b.status] ?? b.status),
    );
    this.bookingNote.textContent = b.changeable ? m.cutoffInfo(formatInstant(b.cutoffAt, b.restaurant.timezone, this.language)) : b.status === 'cancelled' ? '' : m.notChangeable;
    this.changeBox.hidden = !b.changeable;
    this.confirmRow.hidden = true;
    this.cancelBtn.hidden = false;
    this.bookingBox.hidden = false;
    if (b.changeable) {
      this.moveDate.value = b.date;
      this.moveParty.value = String(Math.min(b.partySize, this.moveParty.options.length));
      void this.refreshMoveTimes(b.time);
    }
    this.say(announce);
  }

  private async refreshMoveTimes(keep: string | null = null): Promise<void> {
    if (!this.client || !this.moveDate.value) {
      this.moveTimes.reset();
      return;
    }
    const out = await this.moveTimes.load(this.client, this.moveDate.value, Number(this.moveParty.value), keep);
    if (out && !out.result.ok) this.showError(out.result.error);
  }

  private async reschedule(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.client || !this.proof) return;
    this.clearError();
    const time = this.moveTimes.selected();
    if (!time) {
      this.showMessages([this.m.chooseTime]);
      this.moveTimes.focus();
      return;
    }
    this.moveBtn.disabled = true;
    this.say(this.m.working);
    try {
      const r = await this.client.guest('reschedule', { ...this.proof, date: this.moveDate.value, time, partySize: Number(this.moveParty.value) });
      if (!r.ok) {
        this.showError(r.error);
        if (r.error.kind === 'api' && ['no_tables_available', 'slot_limit_reached'].includes(r.error.code)) void this.refreshMoveTimes();
        return;
      }
      this.showBooking(r.data, this.m.moved(formatDate(r.data.date, this.language), r.data.time, r.data.partySize));
    } finally {
      this.moveBtn.disabled = false;
    }
  }

  private askCancel(): void {
    this.cancelBtn.hidden = true;
    this.confirmRow.hidden = false;
    this.confirmRow.querySelector('button')?.focus();
  }

  private keepBooking(): void {
    this.confirmRow.hidden = true;
    this.cancelBtn.hidden = false;
    this.cancelBtn.focus();
  }

  private async cancelBooking(): Promise<void> {
    if (!this.client || !this.proof) return;
    this.clearError();
    this.say(this.m.working);
    const r = await this.client.guest('cancel', { ...this.proof });
    if (!r.ok) {
      this.keepBooking();
      this.showError(r.error);
      return;
    }
    this.showBooking(r.data, this.m.cancelled);
    (this.root.getElementById('mb-booking-title') as HTMLElement | null)?.focus();
  }
}
