/** What the views share with the element that holds them: the texts, the API client, the status line and the error box. */
import type { BookingClient, WidgetError } from './api.js';
import { h } from './dom.js';
import type { Lang, Messages } from './i18n.js';

export interface WidgetContext {
  m: Messages;
  lang: Lang;
  client: BookingClient;
  root: ShadowRoot;
  /** `max-party-size` (1–50, default 12). */
  maxParty: number;
  /** `restaurant-name`, or null. */
  restaurantName: string | null;
  /** The live region (role=status). */
  say(text: string): void;
  clearError(): void;
  showMessages(lines: string[]): void;
  /** An API or browser error in plain words; `timeZone` dates a cut-off in the restaurant's zone. */
  showError(error: WidgetError, timeZone?: string): void;
}

/** The party-size select, 1 … max, with `selected` chosen. */
export function partySelect(ctx: WidgetContext, id: string, selected = 2): HTMLSelectElement {
  const select = h('select', { id });
  for (let n = 1; n <= ctx.maxParty; n++) select.append(h('option', { value: String(n), selected: n === Math.min(selected, ctx.maxParty) }, ctx.m.guests(n)));
  return select;
}

/** A labelled control in a `.field` box. */
export function labelled(label: string, control: HTMLElement & { id: string }): HTMLDivElement {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}
