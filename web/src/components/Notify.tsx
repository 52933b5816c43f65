/** Status messages: a polite live region (screen readers announce them) that also shows them on screen for a while. */
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';

type Kind = 'success' | 'error' | 'info';
interface Message {
  id: number;
  text: string;
  kind: Kind;
}

const NotifyContext = createContext<(text: string, kind?: Kind) => void>(() => {});

export function useNotify() {
  return useContext(NotifyContext);
}

export function NotifyProvider({ children }: { children: ReactNode }) {
  const [messages, setMessages] = useState<Message[]>([]);
  const next = useRef(1);
  const notify = useCallback((text: string, kind: Kind = 'success') => {
    const id = next.current++;
    setMessages((list) => [...list.slice(-3), { id, text, kind }]);
    setTimeout(() => setMessages((list) => list.filter((m) => m.id !== id)), kind === 'error' ? 10_000 : 5_000);
  }, []);
  return (
    <NotifyContext.Provider value={notify}>
      {children}
      <div className="toasts" role="status" aria-live="polite" aria-atomic="false">
        {messages.map((m) => (
          <p key={m.id} className={`toast toast-${m.kind}`}>
            {m.text}
          </p>
        ))}
      </div>
    </NotifyContext.Provider>
  );
}
