/** A labelled read-only text (one line, or several in a textarea) with a Copy button; Ctrl+C works when the clipboard is refused. */
import { useId, useRef, useState } from 'react';

export function CopyText({ label, value, multiline = false }: { label: string; value: string; multiline?: boolean }) {
  const id = useId();
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false); // the text is selected: Ctrl+C copies it
    }
  };
  const common = { id, ref: field, className: 'mono copy-value', readOnly: true, value, onFocus: (e: { currentTarget: { select(): void } }) => e.currentTarget.select() };
  return (
    <div className="copy-text">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        {multiline ? <textarea {...common} rows={Math.min(14, value.split('\n').length + 1)} spellCheck={false} /> : <input {...common} />}
        <button type="button" onClick={copy} aria-label={`Copy ${label}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="sr-only" aria-live="polite">
        {copied ? 'Copied to the clipboard.' : ''}
      </p>
    </div>
  );
}
