/**
 * The guest's details: name, email or phone (one of the two is needed, and both labels say so), notes, and the
 * unticked marketing-consent box. Each field has its error line under it, tied with aria-describedby.
 */
import type { BookingBody } from './api.js';
import type { WidgetContext } from './context.js';
import { h } from './dom.js';

export type Field = 'name' | 'email' | 'phone' | 'notes';
export const FIELDS: Field[] = ['name', 'email', 'phone', 'notes'];

export class DetailsForm {
  readonly el: HTMLFormElement;
  readonly submitBtn: HTMLButtonElement;
  private readonly inputs = {} as Record<Field, HTMLInputElement | HTMLTextAreaElement>;
  private readonly errors = {} as Record<Field, HTMLParagraphElement>;
  private readonly consentIn: HTMLInputElement;

  constructor(private readonly ctx: WidgetContext, onSubmit: (e: Event) => void) {
    const m = ctx.m;
    this.submitBtn = h('button', { type: 'submit', class: 'btn', part: 'button' }, m.submit);
    // Marketing consent: unticked by default, and only a ticked box is sent (unticked never withdraws a consent).
    this.consentIn = h('input', { type: 'checkbox', id: 'mb-consent' });
    const contactHint = h('p', { class: 'hint', id: 'mb-contact-hint' }, m.contactHint);
    this.el = h(
      'form',
      { class: 'details', novalidate: true, 'aria-labelledby': 'mb-details-title', onsubmit: onSubmit },
      h('h3', { id: 'mb-details-title' }, m.details),
      this.field('name', m.name, h('input', { type: 'text', autocomplete: 'name', maxlength: '200', required: true }), null),
      h(
        'div',
        { class: 'row' },
        this.field('email', m.email, h('input', { type: 'email', autocomplete: 'email', maxlength: '254' }), m.orPhone, ['mb-contact-hint']),
        this.field('phone', m.phone, h('input', { type: 'tel', autocomplete: 'tel', maxlength: '40' }), m.orEmail, ['mb-contact-hint', 'mb-phone-hint']),
      ),
      contactHint,
      h('p', { class: 'hint', id: 'mb-phone-hint' }, m.phoneHint),
      this.field('notes', m.notes, h('textarea', { maxlength: '2000', rows: '3' }), m.optional),
      h('div', { class: 'check' }, this.consentIn, h('label', { for: 'mb-consent' }, m.marketingConsent(ctx.restaurantName))),
      h('div', { class: 'actions' }, this.submitBtn),
    );
  }

  /** `aside`: after the label, in brackets ("optional", "or phone"). `describedBy`: hints that apply to it. */
  private field(id: Field, label: string, control: HTMLInputElement | HTMLTextAreaElement, aside: string | null, describedBy: string[] = []): HTMLElement {
    const err = h('p', { class: 'ferr', id: `mb-${id}-err`, hidden: true });
    control.id = `mb-${id}`;
    control.setAttribute('aria-describedby', [...describedBy, err.id].join(' '));
    this.inputs[id] = control;
    this.errors[id] = err;
    control.addEventListener('input', () => this.setError(id, null));
    return h('div', { class: 'field' }, h('label', { for: control.id }, label, aside ? h('span', { class: 'opt' }, ` (${aside})`) : null), control, err);
  }

  setError(field: Field, message: string | null): void {
    const input = this.inputs[field];
    const err = this.errors[field];
    if (message === null) input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
    err.hidden = message === null;
    err.textContent = message ?? '';
  }

  focus(field: Field): void {
    this.inputs[field].focus();
  }

  reset(): void {
    this.el.reset();
    for (const f of FIELDS) this.setError(f, null);
  }

  /**
   * Checks the fields (each error under its field); the guest's part of the booking body and the contact they can
   * manage it with, or null. `report`: also say so in the error box and focus the first wrong field.
   */
  read(report = true): { customer: BookingBody['customer']; notes: string | null; contact: string } | null {
    const m = this.ctx.m;
    for (const f of FIELDS) this.setError(f, null);
    const [name, email, phone, notes] = FIELDS.map((f) => this.inputs[f].value.trim());
    let first: Field | null = null;
    const fail = (f: Field, msg: string) => {
      this.setError(f, msg);
      first ??= f;
    };
    if (!name) fail('name', m.needName);
    if (!email && !phone) fail('email', m.needContact);
    else if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail('email', m.badEmail);
    if (first) {
      if (report) {
        this.ctx.showMessages([m.errors.validation_failed]);
        this.focus(first);
      }
      return null;
    }
    return {
      customer: { name, ...(email ? { email } : {}), ...(phone ? { phone } : {}), ...(this.consentIn.checked ? { marketingConsent: true as const } : {}) },
      notes: notes || null,
      contact: email || phone,
    };
  }

  /** A 422 from the server: each issue on its field, in the widget's words where it has them. */
  showIssues(details: Record<string, unknown>): void {
    const m = this.ctx.m;
    const issues = Array.isArray(details.issues) ? (details.issues as { path?: unknown; message?: unknown }[]) : [];
    let first: Field | null = null;
    for (const issue of issues) {
      const path = typeof issue.path === 'string' ? issue.path : '';
      const field = FIELDS.find((f) => path === f || path.endsWith(`.${f}`));
      if (!field) continue;
      const mine = field === 'email' ? m.badEmail : field === 'phone' ? m.badPhone : field === 'name' ? m.needName : null;
      this.setError(field, mine ?? (typeof issue.message === 'string' ? issue.message : m.errors.validation_failed));
      first ??= field;
    }
    if (first) this.focus(first);
  }

  busy(on: boolean): void {
    this.submitBtn.disabled = on;
    this.submitBtn.setAttribute('aria-busy', String(on));
    this.submitBtn.textContent = on ? this.ctx.m.submitting : this.ctx.m.submit;
  }
}
