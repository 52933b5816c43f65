/**
 * The available times of one date and party size, as a native radio group (arrow keys, screen-reader semantics).
 * Unavailable times stay visible, disabled, with the reason in words.
 */
import type { Availability, BookingClient, Result } from './api.js';
import { clear, h } from './dom.js';
import { formatDate, type Lang, type Messages } from './i18n.js';

export interface TimesOutcome {
  /** Sentence for the live region, or null when the load failed (the caller explains the error). */
  summary: string | null;
  result: Result<Availability>;
}

let groups = 0;

export class TimePicker {
  readonly el: HTMLFieldSetElement;
  private readonly list: HTMLDivElement;
  private readonly note: HTMLParagraphElement;
  private readonly name = `mb-time-${++groups}`;
  private seq = 0;
  onChange: () => void = () => {};

  constructor(private readonly m: Messages, private readonly lang: Lang) {
    this.list = h('div', { class: 'times', part: 'times' });
    this.note = h('p', { class: 'hint' }, m.pickDateFirst);
    this.el = h('fieldset', { class: 'field' }, h('legend', {}, m.times), this.note, this.list);
  }

  selected(): string | null {
    const checked = this.list.querySelector<HTMLInputElement>('input:checked');
    return checked ? checked.value : null;
  }

  focus(): void {
    (this.list.querySelector<HTMLInputElement>('input:checked, input:not(:disabled)') ?? this.el).focus();
  }

  /** Loads and shows the times; a newer call wins over an older one still in flight (answer `null`). */
  async load(client: BookingClient, date: string, partySize: number, keep: string | null = null): Promise<TimesOutcome | null> {
    const seq = ++this.seq;
    this.el.setAttribute('aria-busy', 'true');
    this.note.hidden = false;
    this.note.textContent = this.m.loadingTimes;
    const result = await client.availability(date, partySize);
    if (seq !== this.seq) return null;
    this.el.removeAttribute('aria-busy');
    clear(this.list);
    // Which question the list answers: the previous date's times stay on screen until the new answer arrives.
    this.list.dataset.for = `${date}/${partySize}`;
    if (!result.ok) {
      this.note.textContent = '';
      this.note.hidden = true;
      this.onChange();
      return { summary: null, result };
    }
    const a = result.data;
    const free = a.slots.filter((s) => s.available).length;
    if (a.closed || a.slots.length === 0) {
      this.note.textContent = a.closed ? this.m.closed : this.m.noTimes;
      this.onChange();
      return { summary: this.note.textContent, result };
    }
    this.note.hidden = true;
    for (const slot of a.slots) {
      const id = `${this.name}-${slot.time.replace(':', '')}`;
      const reason = slot.available ? null : this.reasonOf(slot.reason, slot.detail);
      const input = h('input', {
        type: 'radio', name: this.name, id, value: slot.time, disabled: !slot.available, checked: slot.available && slot.time === keep,
        onchange: () => this.onChange(),
      });
      const label = h('label', { for: id }, slot.time, reason ? h('small', {}, reason) : null);
      this.list.append(h('div', { class: 'slot', part: slot.available ? 'slot' : 'slot unavailable' }, input, label));
    }
    this.onChange();
    return { summary: this.m.timesFound(free, formatDate(date, this.lang)), result };
  }

  reset(): void {
    this.seq++;
    clear(this.list);
    delete this.list.dataset.for;
    this.el.removeAttribute('aria-busy');
    this.note.hidden = false;
    this.note.textContent = this.m.pickDateFirst;
  }

  private reasonOf(reason: string | undefined, detail: string | undefined): string {
    const r = this.m.reasons;
    if (reason === 'outside_opening_hours' && detail && r[detail]) return r[detail];
    return (reason && r[reason]) || r.outside_opening_hours;
  }
}
