/** The sign-in form (email + password → session cookie). */
import { useId, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import type { SessionView } from '../types';

export function SignInPage({ message, onSignedIn }: { message: string | null; onSignedIn: (s: SessionView) => void }) {
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.post<SessionView>('/admin/api/login', { email: email.trim(), password }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_credentials') setError('That email and password do not match.');
      else if (err instanceof ApiError && err.code === 'rate_limit_exceeded') setError('Too many attempts. Wait a minute, then try again.');
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin" id="main">
      <form className="signin-card form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <div className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">M</span> Maitre
        </div>
        <h1 id={`${id}-title`}>Sign in to the dashboard</h1>
        {message && (
          <p className="notice" role="status">
            {message}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input id={`${id}-email`} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </div>
        {error && (
          <p className="error-box" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          First run? The owner login of the demo restaurant is printed once in the terminal by <span className="mono">npm start</span>.
        </p>
      </form>
    </main>
  );
}
