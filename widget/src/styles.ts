/**
 * The widget's styles, scoped by its shadow root. The host page themes it through these custom properties (set them
 * on `maitre-booking` or any ancestor); docs/widget.md lists them:
 * --maitre-font, --maitre-font-size, --maitre-text, --maitre-muted, --maitre-background, --maitre-surface,
 * --maitre-border, --maitre-accent, --maitre-accent-text, --maitre-error, --maitre-success, --maitre-radius,
 * --maitre-gap, --maitre-max-width, --maitre-focus.
 */
export const CSS = `
:host {
  display: block;
  --_font: var(--maitre-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  --_text: var(--maitre-text, #1f2328);
  --_muted: var(--maitre-muted, #5d6570);
  --_bg: var(--maitre-background, #ffffff);
  --_surface: var(--maitre-surface, #f6f7f9);
  --_border: var(--maitre-border, #c9ced6);
  --_accent: var(--maitre-accent, #8a2b2b);
  --_accent-text: var(--maitre-accent-text, #ffffff);
  --_error: var(--maitre-error, #b3261e);
  --_success: var(--maitre-success, #1e6b3a);
  --_radius: var(--maitre-radius, 8px);
  --_gap: var(--maitre-gap, 12px);
  --_focus: var(--maitre-focus, #1a5fb4);
  font-family: var(--_font);
  font-size: var(--maitre-font-size, 16px);
  color: var(--_text);
  max-width: var(--maitre-max-width, 560px);
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.box { background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); padding: calc(var(--_gap) * 1.5); }
.top { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: var(--_gap); margin-bottom: var(--_gap); }
h2 { font-size: 1.3em; margin: 0; }
h3 { font-size: 1.05em; margin: calc(var(--_gap) * 1.5) 0 var(--_gap); }
h2:focus, h3:focus { outline: none; }
form, fieldset { margin: 0; }
fieldset { border: 0; padding: 0; min-width: 0; }
legend { font-weight: 600; padding: 0; margin-bottom: calc(var(--_gap) / 2); }
.row { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: var(--_gap); margin-bottom: var(--_gap); }
.field { display: flex; flex-direction: column; gap: 4px; margin-bottom: var(--_gap); }
.row .field { margin-bottom: 0; }
label { font-weight: 600; font-size: .95em; }
.opt { font-weight: 400; color: var(--_muted); }
.hint { font-size: .85em; color: var(--_muted); margin: 0; }
input, select, textarea, button { font: inherit; color: inherit; }
input:not([type=checkbox]):not([type=radio]), select, textarea {
  width: 100%; min-height: 44px; padding: 8px 10px; border: 1px solid var(--_border); border-radius: calc(var(--_radius) / 2); background: var(--_bg);
}
textarea { min-height: 72px; resize: vertical; }
[aria-invalid=true] { border-color: var(--_error) !important; }
.ferr { color: var(--_error); font-size: .88em; margin: 0; }
.check { display: flex; align-items: center; gap: 10px; min-height: 44px; margin-bottom: var(--_gap); }
.check input { width: 22px; height: 22px; margin: 0; flex: none; accent-color: var(--_accent); }
.check label { font-weight: 400; }
:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
.times { display: grid; grid-template-columns: repeat(auto-fill, minmax(112px, 1fr)); gap: 8px; }
.slot { position: relative; }
.slot input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.slot label { display: flex; flex-direction: column; align-items: center; justify-content: center; min-height: 48px; padding: 6px;
  border: 1px solid var(--_border); border-radius: calc(var(--_radius) / 2); background: var(--_bg); cursor: pointer; text-align: center; font-weight: 600; }
.slot input:checked + label { background: var(--_accent); color: var(--_accent-text); border-color: var(--_accent); }
.slot input:focus-visible + label { outline: 3px solid var(--_focus); outline-offset: 2px; }
.slot input:disabled + label { background: var(--_surface); color: var(--_muted); cursor: not-allowed; text-decoration: none; font-weight: 400; }
.slot small { font-size: .75em; font-weight: 400; }
.day-info { margin: 4px 0 8px; }
.next-dates ul { list-style: none; margin: 6px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 8px; }
.next-dates .btn { flex-direction: column; }
.next-dates small { font-size: .75em; font-weight: 400; }
.btn { display: inline-flex; align-items: center; justify-content: center; min-height: 44px; padding: 8px 18px; border-radius: calc(var(--_radius) / 2);
  border: 1px solid var(--_accent); background: var(--_accent); color: var(--_accent-text); font-weight: 600; cursor: pointer; }
.btn.secondary { background: transparent; color: var(--_accent); }
.btn[disabled], .btn[aria-busy=true] { opacity: .6; cursor: progress; }
.link { background: none; border: 0; padding: 4px 0; color: var(--_accent); text-decoration: underline; cursor: pointer; min-height: 44px; }
.actions { display: flex; flex-wrap: wrap; gap: var(--_gap); margin-top: var(--_gap); }
.status { margin: var(--_gap) 0 0; color: var(--_muted); min-height: 1.2em; }
.error { margin: var(--_gap) 0 0; padding: 10px 12px; border-radius: calc(var(--_radius) / 2); border: 1px solid var(--_error); color: var(--_error); background: var(--_bg); }
.error p { margin: 0; }
.error p + p { margin-top: 6px; font-size: .88em; color: var(--_text); }
.ok { padding: var(--_gap); border-radius: calc(var(--_radius) / 2); background: var(--_surface); border-left: 4px solid var(--_success); }
.ref { font-size: 1.6em; font-weight: 700; letter-spacing: .06em; font-family: ui-monospace, Menlo, Consolas, monospace; margin: 4px 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0 0 var(--_gap); }
dt { color: var(--_muted); }
dd { margin: 0; font-weight: 600; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 420px) {
  .box { padding: var(--_gap); }
  .times { grid-template-columns: repeat(auto-fill, minmax(92px, 1fr)); }
  .actions .btn { width: 100%; }
}
@media (prefers-reduced-motion: no-preference) { .slot label, .btn { transition: background-color .15s, color .15s; } }
`;
