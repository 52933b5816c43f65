/**
 * `<maitre-booking restaurant="demo" endpoint="https://…" [key="…"] [lang="en|fr"] [max-party-size="12"] [restaurant-name="…"]>`:
 * book a table (book-view.ts: date, party size, times, details, an unticked marketing-consent box, confirmation) and
 * manage a booking (manage-view.ts: look up, move, cancel). This file holds the shell: attributes, the heading and the
 * switch between the two, the status line and the error box; a page opened from an email's manage link
 * (`?maitre_manage=<reference>&maitre_contact=<email>`) starts on that booking in the manage view. Shadow DOM, no
 * framework; the only requests go to `endpoint` (see api.ts).
 */
import { BookingClient, type Reservation, type WidgetError } from './api.js';
import { BookView } from './book-view.js';
import type { WidgetContext } from './context.js';
import { clear, h } from './dom.js';
import { explain } from './explain.js';
import { MESSAGES, pickLang, type Messages } from './i18n.js';
import { ManageView, type Proof } from './manage-view.js';
import { CSS } from './styles.js';

let sheet: CSSStyleSheet | null = null;

/**
 * The reference and contact of an email's manage link: `?maitre_manage=<reference>&maitre_contact=<email or phone>` on
 * the page that embeds the widget (docs/notifications.md); null when either is missing or absurd.
 */
export function manageLinkOf(search: string): Proof | null {
  const q = new URLSearchParams(search);
  const reference = q.get('maitre_manage')?.trim() ?? '';
  const contact = q.get('maitre_contact')?.trim() ?? '';
  if (!reference || !contact || reference.length > 40 || contact.length > 254) return null;
  return { reference, contact };
}

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
  private proof: Proof | null = null;
  private statusEl!: HTMLParagraphElement;
  private errorEl!: HTMLDivElement;
  private heading!: HTMLHeadingElement;
  private toggleBtn!: HTMLButtonElement;
  private book!: BookView;
  private manage!: ManageView;
  /** The booking form's times are still to load (the page opened on a manage link). */
  private bookPending = false;
  /** Renders so far: the requests of a render are made only if no other render followed it in the same task. */
  private renders = 0;
  /** The page's manage link (?maitre_manage=…) has been opened. */
  private linkUsed = false;

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

  private render(): void {
    const lang = pickLang(this.getAttribute('lang'));
    const m = (this.m = MESSAGES[lang]);
    const restaurant = this.getAttribute('restaurant')?.trim() ?? '';
    const endpoint = this.getAttribute('endpoint')?.trim() ?? '';
    const key = this.getAttribute('key')?.trim() || null;
    this.proof = null;
    this.bookPending = false;

    const css = sharedSheet();
    if (css) this.root.adoptedStyleSheets = [css];
    clear(this.root, css ? null : h('style', {}, CSS));

    this.statusEl = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', part: 'status' });
    this.errorEl = h('div', { class: 'error', role: 'alert', part: 'error', hidden: true });
    let client: BookingClient | null;
    try {
      client = restaurant && endpoint ? new BookingClient(endpoint, restaurant, key) : null;
    } catch {
      client = null;
    }
    const box = h('div', { class: 'box', part: 'container', lang });
    this.root.append(box);
    if (!client) {
      box.append(this.errorEl);
      this.showMessages([m.misconfigured]);
      return;
    }

    const ctx: WidgetContext = {
      m, lang, client, root: this.root,
      maxParty: Math.min(50, Math.max(1, Number(this.getAttribute('max-party-size')) || 12)),
      restaurantName: this.getAttribute('restaurant-name')?.trim() || null,
      say: (text) => this.say(text),
      clearError: () => this.clearError(),
      showMessages: (lines) => this.showMessages(lines),
      showError: (error, timeZone) => this.showError(error, lang, timeZone),
    };
    this.toggleBtn = h('button', { type: 'button', class: 'link', onclick: () => this.toggle() }, m.manageLink);
    this.heading = h('h2', { id: 'mb-title', tabindex: '-1' }, m.title);
    this.book = new BookView(ctx, (r, contact) => this.booked(r, contact), () => void this.manageBooked(), () => this.bookAnother());
    this.manage = new ManageView(ctx);
    box.append(h('div', { class: 'top' }, this.heading, this.toggleBtn), this.book.el, this.book.done, this.manage.el, this.statusEl, this.errorEl);
    // The first requests wait for the end of this task: when the element is upgraded, every attribute it has calls
    // attributeChangedCallback (a render each) before connectedCallback, and only the last render may ask the server.
    const generation = ++this.renders;
    queueMicrotask(() => {
      if (generation !== this.renders) return;
      const link = this.linkUsed ? null : manageLinkOf(window.location.search);
      if (link) {
        this.linkUsed = true; // once per page: a later re-render (an attribute changed) starts on the booking form
        void this.openManageLink(link);
      } else {
        void this.book.refresh();
      }
    });
  }

  /** The page was opened from an email's "manage my booking" link: that booking, looked up, in the manage view. */
  private async openManageLink(proof: Proof): Promise<void> {
    this.showView('manage');
    this.bookPending = true; // its times load when the guest turns to it (they would clear the lookup's messages)
    await this.manage.open(proof);
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

  private showError(error: WidgetError, lang: 'en' | 'fr', timeZone?: string): void {
    this.say('');
    this.showMessages(explain(error, this.m, lang, timeZone));
  }

  // ---------------------------------------------------------------- views

  /** Which view shows: the heading says what it is for ("Book a table" or "Manage my booking"). */
  private showView(view: 'book' | 'done' | 'manage'): void {
    this.book.el.hidden = view !== 'book';
    this.book.done.hidden = view !== 'done';
    this.manage.el.hidden = view !== 'manage';
    this.heading.textContent = view === 'manage' ? this.m.manageHeading : this.m.title;
    this.toggleBtn.textContent = view === 'manage' ? this.m.bookLink : this.m.manageLink;
  }

  private toggle(): void {
    this.clearError();
    this.say('');
    if (this.manage.el.hidden) {
      this.showView('manage');
      this.manage.focus();
    } else {
      this.showView('book');
      this.book.focus();
      if (this.bookPending) {
        this.bookPending = false;
        void this.book.refresh();
      }
    }
  }

  private booked(r: Reservation, contact: string): void {
    this.proof = { reference: r.reference, contact };
    this.showView('done');
    this.dispatchEvent(
      new CustomEvent('maitre-booked', { detail: { reference: r.reference, date: r.date, time: r.time, partySize: r.partySize }, bubbles: true, composed: true }),
    );
  }

  private bookAnother(): void {
    this.clearError();
    this.say('');
    this.showView('book');
    this.book.focus();
    this.book.again();
  }

  private async manageBooked(): Promise<void> {
    if (!this.proof) return;
    this.clearError();
    this.say('');
    this.showView('manage');
    this.manage.focus();
    await this.manage.open(this.proof);
  }
}
