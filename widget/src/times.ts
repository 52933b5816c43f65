/**
 * The times of one date and party size, as a native radio group (arrow keys, screen-reader semantics). Unavailable
 * times stay visible, disabled, with the reason in words — unless none is free: then the day is explained (closed, and
 * why; every time passed or full) and the next dates with a free time are offered instead (next-dates.ts). Services
 * that do not run that day are named.
 */
import type { Availability, BookingClient, Hours, Result } from './api.js';
import { addDays, clear, h } from './dom.js';
import { formatDate, type Lang, type Messages } from './i18n.js';
import { dayOf, nextFreeDates, SEARCH_DAYS, servicesNotRunning } from './next-dates.js';

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
  private readonly info: HTMLParagraphElement;
  private readonly others: HTMLDivElement;
  private readonly name = `mb-time-${++groups}`;
  private seq = 0;
  onChange: () => void = () => {};

  /** `onPickDate`: the guest chose one of the offered next dates. */
  constructor(private readonly m: Messages, private readonly lang: Lang, private readonly onPickDate: (date: string) => void) {
    this.list = h('div', { class: 'times', part: 'times' });
    this.note = h('p', { class: 'hint' }, m.pickDateFirst);
    this.info = h('p', { class: 'hint day-info', hidden: true });
    this.others = h('div', { class: 'next-dates', hidden: true, part: 'next-dates', 'aria-live': 'polite' });
    this.el = h('fieldset', { class: 'field' }, h('legend', {}, m.times), this.note, this.info, this.list, this.others);
  }

  selected(): string | null {
    const checked = this.list.querySelector<HTMLInputElement>('input:checked');
    return checked ? checked.value : null;
  }

  focus(): void {
    (this.list.querySelector<HTMLInputElement>('input:checked, input:not(:disabled)') ?? this.others.querySelector('button') ?? this.el).focus();
  }

  /** Loads and shows the times; a newer call wins over an older one still in flight (answer `null`). */
  async load(client: BookingClient, date: string, partySize: number, keep: string | null = null): Promise<TimesOutcome | null> {
    const seq = ++this.seq;
    this.el.setAttribute('aria-busy', 'true');
    this.note.hidden = false;
    this.note.textContent = this.m.loadingTimes;
    // The opening hours of the next two weeks explain the day and skip closed days in the search; a proxy that does
    // not forward /hours only loses the explanations.
    const [result, hoursResult] = await Promise.all([client.availability(date, partySize), client.hours(date, addDays(date, SEARCH_DAYS))]);
    if (seq !== this.seq) return null;
    const hours: Hours | null = hoursResult.ok ? hoursResult.data : null;
    this.el.removeAttribute('aria-busy');
    clear(this.list);
    this.hideExtras();
    // Which question the list answers: the previous date's times stay on screen until the new answer arrives.
    this.list.dataset.for = `${date}/${partySize}`;
    if (!result.ok) {
      this.note.textContent = '';
      this.note.hidden = true;
      this.onChange();
      return { summary: null, result };
    }
    const a = result.data;
    const day = formatDate(date, this.lang);
    const free = a.slots.filter((s) => s.available).length;
    const notServed = servicesNotRunning(hours, date);
    if (notServed.length > 0 && !a.closed) this.showInfo(this.m.notServed(notServed, day));
    if (a.closed || free === 0) {
      const closure = dayOf(hours, date);
      this.note.textContent = a.closed
        ? closure
          ? this.m.closedOn(day, closure.closureReason)
          : this.m.closed
        : a.slots.length === 0
          ? this.m.noTimes
          : this.m.noFreeTime(day, this.whyNone(a));
      this.onChange();
      void this.offerNextDates(client, date, partySize, hours, seq);
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
    return { summary: this.m.timesFound(free, day), result };
  }

  reset(): void {
    this.seq++;
    clear(this.list);
    delete this.list.dataset.for;
    this.hideExtras();
    this.el.removeAttribute('aria-busy');
    this.note.hidden = false;
    this.note.textContent = this.m.pickDateFirst;
  }

  private hideExtras(): void {
    this.info.hidden = true;
    this.info.textContent = '';
    this.others.hidden = true;
    clear(this.others);
    delete this.others.dataset.for;
  }

  private showInfo(text: string): void {
    this.info.textContent = text;
    this.info.hidden = false;
  }

  /** The reasons the day's times are not bookable, in words, each once ("already passed, fully booked"). */
  private whyNone(a: Availability): string {
    return [...new Set(a.slots.map((s) => this.reasonOf(s.reason, s.detail)))].join(', ');
  }

  private async offerNextDates(client: BookingClient, date: string, partySize: number, hours: Hours | null, seq: number): Promise<void> {
    this.others.hidden = false;
    this.others.setAttribute('aria-busy', 'true');
    clear(this.others, h('p', { class: 'hint' }, this.m.searchingDates));
    const found = await nextFreeDates(client, date, partySize, hours, () => seq !== this.seq);
    if (found === null || seq !== this.seq) return;
    this.others.removeAttribute('aria-busy');
    this.others.dataset.for = `${date}/${partySize}`;
    if (found.length === 0) {
      clear(this.others, h('p', { class: 'hint' }, this.m.noNextDates(SEARCH_DAYS)));
      return;
    }
    const titleId = `${this.name}-next`;
    clear(
      this.others,
      h('p', { class: 'hint', id: titleId }, this.m.nextDates),
      h(
        'ul',
        { 'aria-labelledby': titleId },
        ...found.map((f) =>
          h(
            'li',
            {},
            h(
              'button',
              { type: 'button', class: 'btn secondary', 'data-date': f.date, onclick: () => this.onPickDate(f.date) },
              formatDate(f.date, this.lang),
              h('small', {}, this.m.freeTimes(f.free)),
            ),
          ),
        ),
      ),
    );
  }

  private reasonOf(reason: string | undefined, detail: string | undefined): string {
    const r = this.m.reasons;
    if (reason === 'outside_opening_hours' && detail && r[detail]) return r[detail];
    return (reason && r[reason]) || r.outside_opening_hours;
  }
}
