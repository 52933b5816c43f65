/** The app: session, sign-in, the restaurant shell with its navigation, and the page of the current path. */
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, onSessionExpired, rpath } from './api';
import { NotifyProvider } from './components/Notify';
import { ErrorBox, Loading, useLoad } from './components/ui';
import { isManager, RestaurantContext } from './context';
import { Link, navigate, usePath } from './router';
import type { RestaurantView, SessionView } from './types';
import { AuditPage } from './pages/Audit';
import { GuestProfilePage, GuestsPage } from './pages/Guests';
import { KeysPage } from './pages/keys/KeysPage';
import { KeyUsagePage } from './pages/keys/KeyUsage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { SignInPage } from './pages/SignIn';
import { TonightPage } from './pages/tonight/TonightPage';
import { WebhookDetailPage } from './pages/webhooks/WebhookDetailPage';
import { WebhooksPage } from './pages/webhooks/WebhooksPage';

// Reports and their chart library load in a chunk of their own, when the page is first opened.
const ReportsPage = lazy(() => import('./pages/reports/ReportsPage').then((m) => ({ default: m.ReportsPage })));

export function App() {
  const [session, setSession] = useState<SessionView | null | undefined>(undefined);
  const [message, setMessage] = useState<string | null>(null);
  const path = usePath();

  useEffect(() => {
    api.get<SessionView>('/admin/api/session').then(setSession, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) setSession(null);
      else {
        setSession(null);
        setMessage(e instanceof Error ? e.message : String(e));
      }
    });
  }, []);

  // Set from the sign-out until the next sign-in: a request made before the sign-out and answered after it (401, the
  // session is gone) is not an expiry.
  const signedOut = useRef(false);

  useEffect(
    () =>
      onSessionExpired(() => {
        setSession(null);
        if (!signedOut.current) setMessage('Your session has expired. Sign in again to continue.');
      }),
    [],
  );

  const signOut = useCallback(async () => {
    signedOut.current = true;
    try {
      await api.post('/admin/api/logout');
    } finally {
      setSession(null);
      setMessage('You are signed out.');
      navigate('', { replace: true });
    }
  }, []);

  let content;
  if (session === undefined) content = <Loading what="Opening the dashboard" />;
  else if (session === null)
    content = (
      <SignInPage
        message={message}
        onSignedIn={(s) => {
          signedOut.current = false;
          setMessage(null);
          setSession(s);
        }}
      />
    );
  else content = <Signed session={session} path={path} onSignOut={signOut} />;
  return <NotifyProvider>{content}</NotifyProvider>;
}

function Signed({ session, path, onSignOut }: { session: SessionView; path: string[]; onSignOut: () => void }) {
  const first = session.memberships[0];
  const slug = path[0] === 'r' ? path[1] : undefined;
  const membership = session.memberships.find((m) => m.slug === slug);

  useEffect(() => {
    if (first && !membership) navigate(`r/${first.slug}/tonight`, { replace: true });
  }, [first, membership]);

  if (!first)
    return (
      <main className="signin" id="main">
        <div className="signin-card">
          <h1>No restaurant yet</h1>
          <p>
            You are signed in as {session.user.email}, but you are not a member of any restaurant. Ask an owner to add you (
            <span className="mono">maitre user create --email … --restaurant …</span>).
          </p>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </main>
    );
  if (!membership) return <Loading />;
  return <Shell session={session} slug={membership.slug} section={path[2] ?? 'tonight'} rest={path.slice(3)} onSignOut={onSignOut} />;
}

const SECTIONS = [
  { key: 'tonight', label: 'Tonight', managers: false },
  { key: 'guests', label: 'Guests', managers: false },
  { key: 'reports', label: 'Reports', managers: true },
  { key: 'keys', label: 'API keys', managers: true },
  { key: 'webhooks', label: 'Webhooks', managers: true },
  { key: 'settings', label: 'Settings', managers: false },
  { key: 'audit', label: 'Audit log', managers: true },
] as const;

function Shell(props: { session: SessionView; slug: string; section: string; rest: string[]; onSignOut: () => void }) {
  const { session, slug, section, rest } = props;
  const membership = session.memberships.find((m) => m.slug === slug)!;
  const role = membership.role;
  const restaurant = useLoad(() => api.get<RestaurantView>(rpath(slug)), [slug]);
  const visible = SECTIONS.filter((s) => !s.managers || isManager(role));
  const current = visible.find((s) => s.key === section);
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    document.title = `${current?.label ?? 'Dashboard'} · ${membership.name} · Maitre`;
    setMenuOpen(false);
  }, [current, membership.name]);

  // After a client-side navigation, focus moves to the page (as a full page load would); not on the first render.
  const where = `${slug}/${section}/${rest.join('/')}`;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: false });
  }, [where]);

  let page;
  if (!current) page = <NotAllowed known={SECTIONS.some((s) => s.key === section)} slug={slug} />;
  else if (section === 'tonight') page = <TonightPage />;
  else if (section === 'guests') page = rest[0] ? <GuestProfilePage customerId={rest[0]} /> : <GuestsPage />;
  else if (section === 'keys') page = rest[0] ? <KeyUsagePage keyId={rest[0]} /> : <KeysPage />;
  else if (section === 'webhooks') page = rest[0] ? <WebhookDetailPage endpointId={rest[0]} /> : <WebhooksPage />;
  else if (section === 'settings') page = <SettingsPage />;
  else if (section === 'reports')
    page = (
      <Suspense fallback={<Loading what="Opening the reports" />}>
        <ReportsPage />
      </Suspense>
    );
  else page = <AuditPage />;

  return (
    <RestaurantContext.Provider value={{ session, membership, slug, role, restaurant: restaurant.data ?? null }}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            M
          </span>{' '}
          Maitre
        </div>
        <div className="topbar-restaurant">
          {session.memberships.length > 1 ? (
            <label>
              <span className="sr-only">Restaurant</span>
              <select
                aria-label="Restaurant"
                value={slug}
                onChange={(e) => navigate(`r/${e.target.value}/${current && !rest.length ? section : 'tonight'}`)}
              >
                {session.memberships.map((m) => (
                  <option key={m.slug} value={m.slug}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span className="restaurant-name">{membership.name}</span>
          )}
          <span className="role-badge">{role}</span>
        </div>
        <div className="topbar-user">
          <span className="user-email" title={session.user.email}>
            {session.user.name ?? session.user.email}
          </span>
          <button type="button" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)}>
          Menu
        </button>
      </header>
      <div className="layout">
        <nav id="main-nav" className={menuOpen ? 'sidenav open' : 'sidenav'} aria-label="Dashboard">
          <ul>
            {visible.map((s) => (
              <li key={s.key}>
                <Link to={`r/${slug}/${s.key}`} aria-current={s.key === section ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          <ErrorBox error={restaurant.error} title="The restaurant could not be loaded." />
          {page}
        </main>
      </div>
    </RestaurantContext.Provider>
  );
}

function NotAllowed({ known, slug }: { known: boolean; slug: string }) {
  return (
    <section>
      <h1>{known ? 'Not available to your role' : 'Page not found'}</h1>
      <p>{known ? 'Ask an owner or a manager of this restaurant.' : 'This page does not exist.'}</p>
      <p>
        <Link to={`r/${slug}/tonight`}>Go to Tonight</Link>
      </p>
    </section>
  );
}
