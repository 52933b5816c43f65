/**
 * Manage my booking: look it up by reference and the email or phone it was booked with, then move it (new date, time,
 * guests) or cancel it, through the guest routes (no key).
 */
import type { GuestReservation } from './api.js';
import { labelled, partySelect, type WidgetContext } from './context.js';
import { clear, h, todayLocal } from './dom.js';
import { formatDate, formatInstant } from './i18n.js';
import { TimePicker } from './times.js';

export interface Proof {
  reference: string;
  contact: string;
}

export class ManageView {
  readonly el: HTMLElement;
  private readonly title: HTMLHeadingElement;
  private readonly refIn: HTMLInputElement;
  private readonly contactIn: HTMLInputElement;
  private readonly bookingBox: HTMLElement;
  private readonly bookingList: HTMLDListElement;
  private readonly bookingNote: HTMLParagraphElement;
  private readonly changeBox: HTMLElement;
  private readonly moveDate: HTMLInputElement;
  private readonly moveParty: HTMLSelectElement;
  private readonly moveTimes: TimePicker;
  private readonly moveBtn: HTMLButtonElement;
  private readonly cancelBtn: HTMLButtonElement;
  private readonly confirmRow: HTMLElement;
  private proof: Proof | null = null;
  /** The booking shown, for its restaurant's time zone. */
  timeZone = 'UTC';

  constructor(private readonly ctx: WidgetContext) {
    const m = ctx.m;
    this.refIn = h('input', { type: 'text', id: 'mb-ref', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '40', required: true });
    this.contactIn = h('input', { type: 'text', id: 'mb-contact', autocomplete: 'email', maxlength: '254', required: true });
    this.title = h('h3', { tabindex: '-1', id: 'mb-manage-title' }, m.lookupTitle);
    const lookupForm = h(
      'form',
      { novalidate: true, 'aria-labelledby': 'mb-manage-title', onsubmit: (e: Event) => void this.lookup(e) },
      h('p', { class: 'hint', id: 'mb-lookup-hint' }, m.lookupHint),
      h('div', { class: 'row' }, labelled(m.referenceLabel, this.refIn), labelled(m.contactLabel, this.contactIn)),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn' }, m.find)),
    );

    this.bookingList = h('dl', { id: 'mb-booking' });
    this.bookingNote = h('p', { class: 'hint' });
    this.moveDate = h('input', { type: 'date', id: 'mb-move-date', min: todayLocal(), required: true, onchange: () => void this.refreshTimes() });
    this.moveParty = partySelect(ctx, 'mb-move-party');
    this.moveParty.addEventListener('change', () => void this.refreshTimes());
    this.moveTimes = new TimePicker(m, ctx.lang, (date) => {
      this.moveDate.value = date;
      void this.refreshTimes().then(() => this.moveTimes.focus());
    });
    this.moveBtn = h('button', { type: 'submit', class: 'btn' }, m.move);
    this.cancelBtn = h('button', { type: 'button', class: 'btn secondary', onclick: () => this.askCancel() }, m.cancel);
    this.confirmRow = h(
      'div',
      { class: 'actions', hidden: true },
      h('button', { type: 'button', class: 'btn', onclick: () => void this.cancel() }, m.cancelConfirm),
      h('button', { type: 'button', class: 'btn secondary', onclick: () => this.keep() }, m.cancelKeep),
    );
    this.changeBox = h(
      'div',
      {},
      h(
        'form',
        { novalidate: true, 'aria-labelledby': 'mb-move-title', onsubmit: (e: Event) => void this.reschedule(e) },
        h('h3', { id: 'mb-move-title' }, m.moveTitle),
        h('div', { class: 'row' }, labelled(m.newDate, this.moveDate), labelled(m.newPartySize, this.moveParty)),
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
    this.el = h('section', { hidden: true, 'aria-labelledby': 'mb-manage-title' }, this.title, lookupForm, this.bookingBox);
  }

  focus(): void {
    this.title.focus();
  }

  /** The booking just made: fill in its reference and contact and look it up. */
  async open(proof: Proof): Promise<void> {
    this.refIn.value = proof.reference;
    this.contactIn.value = proof.contact;
    await this.lookup();
  }

  private focusBooking(): void {
    (this.ctx.root.getElementById('mb-booking-title') as HTMLElement | null)?.focus();
  }

  private async lookup(e?: Event): Promise<void> {
    e?.preventDefault();
    this.ctx.clearError();
    const reference = this.refIn.value.trim();
    const contact = this.contactIn.value.trim();
    if (!reference || !contact) {
      this.ctx.showMessages([this.ctx.m.lookupHint]);
      (reference ? this.contactIn : this.refIn).focus();
      return;
    }
    this.ctx.say(this.ctx.m.working);
    const r = await this.ctx.client.guest('lookup', { reference, contact });
    if (!r.ok) {
      this.bookingBox.hidden = true;
      this.ctx.showError(r.error, this.timeZone);
      return;
    }
    this.proof = { reference, contact };
    this.show(r.data, this.ctx.m.found);
    this.focusBooking();
  }

  private show(b: GuestReservation, announce: string): void {
    const { m, lang } = this.ctx;
    this.timeZone = b.restaurant.timezone;
    this.ctx.clearError();
    const row = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, value)];
    clear(
      this.bookingList,
      ...row(m.referenceLabel, b.reference),
      ...row(m.date, formatDate(b.date, lang)),
      ...row(m.time, b.time),
      ...row(m.partySize, m.guests(b.partySize)),
      ...row(m.statusLabel, m.statusWord[b.status] ?? b.status),
    );
    this.bookingNote.textContent = b.changeable ? m.cutoffInfo(formatInstant(b.cutoffAt, b.restaurant.timezone, lang)) : b.status === 'cancelled' ? '' : m.notChangeable;
    this.changeBox.hidden = !b.changeable;
    this.confirmRow.hidden = true;
    this.cancelBtn.hidden = false;
    this.bookingBox.hidden = false;
    if (b.changeable) {
      this.moveDate.value = b.date;
      this.moveParty.value = String(Math.min(b.partySize, this.moveParty.options.length));
      void this.refreshTimes(b.time);
    }
    this.ctx.say(announce);
  }

  private async refreshTimes(keep: string | null = null): Promise<void> {
    if (!this.moveDate.value) {
      this.moveTimes.reset();
      return;
    }
    const out = await this.moveTimes.load(this.ctx.client, this.moveDate.value, Number(this.moveParty.value), keep);
    if (out && !out.result.ok) this.ctx.showError(out.result.error, this.timeZone);
  }

  private async reschedule(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.proof) return;
    const { m, lang } = this.ctx;
    this.ctx.clearError();
    const time = this.moveTimes.selected();
    if (!time) {
      this.ctx.showMessages([m.chooseTime]);
      this.moveTimes.focus();
      return;
    }
    this.moveBtn.disabled = true;
    this.ctx.say(m.working);
    try {
      const r = await this.ctx.client.guest('reschedule', { ...this.proof, date: this.moveDate.value, time, partySize: Number(this.moveParty.value) });
      if (!r.ok) {
        this.ctx.showError(r.error, this.timeZone);
        if (r.error.kind === 'api' && ['no_tables_available', 'slot_limit_reached'].includes(r.error.code)) void this.refreshTimes();
        return;
      }
      this.show(r.data, m.moved(formatDate(r.data.date, lang), r.data.time, r.data.partySize));
    } finally {
      this.moveBtn.disabled = false;
    }
  }

  private askCancel(): void {
    this.cancelBtn.hidden = true;
    this.confirmRow.hidden = false;
    this.confirmRow.querySelector('button')?.focus();
  }

  private keep(): void {
    this.confirmRow.hidden = true;
    this.cancelBtn.hidden = false;
    this.cancelBtn.focus();
  }

  private async cancel(): Promise<void> {
    if (!this.proof) return;
    this.ctx.clearError();
    this.ctx.say(this.ctx.m.working);
    const r = await this.ctx.client.guest('cancel', { ...this.proof });
    if (!r.ok) {
      this.keep();
      this.ctx.showError(r.error, this.timeZone);
      return;
    }
    this.show(r.data, this.ctx.m.cancelled);
    this.focusBooking();
  }
}
