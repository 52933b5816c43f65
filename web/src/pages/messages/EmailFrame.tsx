/**
 * An email's HTML, shown as a mail client would: written into /dashboard/email-frame, an empty same-origin page whose
 * own Content-Security-Policy allows inline styles and nothing else (no script, no request: src/modules/dashboard/
 * routes.ts), in a frame sandboxed without scripts (its links open a new tab). The HTML comes from the server, which
 * escapes what it puts in.
 */
import { useCallback, useEffect, useRef } from 'react';

export function EmailFrame({ html, title }: { html: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const loaded = useRef(false);

  const write = useCallback(() => {
    const f = frame.current;
    const doc = f?.contentDocument;
    if (!f || !doc || !loaded.current) return;
    doc.open();
    doc.write(html);
    doc.close();
    // A link opens in a new tab, as from a mail client (the frame itself never navigates away).
    for (const a of Array.from(doc.querySelectorAll('a[href]'))) {
      a.setAttribute('target', '_blank');
      a.setAttribute('rel', 'noopener noreferrer');
    }
    // As tall as the email (no inner scroll bar); the page scrolls instead.
    f.style.height = `${Math.min(4000, Math.max(120, doc.documentElement.scrollHeight + 8))}px`;
  }, [html]);

  useEffect(write, [write]);

  return (
    <iframe
      ref={frame}
      className="email-frame"
      src="/dashboard/email-frame"
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      title={title}
      onLoad={() => {
        // The first load is the empty page; writing into it fires no further load event.
        if (loaded.current) return;
        loaded.current = true;
        write();
      }}
    />
  );
}
