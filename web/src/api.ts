/**
 * The one way the dashboard talks to the server: the admin API, same origin, session cookie. Every state-changing
 * request is JSON (the admin guard refuses anything else, even an empty body: we send `{}`).
 * A 401 `unauthenticated` means the session ended: listeners (the app shell) go back to the sign-in page.
 */

export interface IssueDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** `details.issues` of a 422 validation_failed. */
  get issues(): IssueDetail[] {
    const list = this.details.issues;
    return Array.isArray(list) ? (list as IssueDetail[]) : [];
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const expiredListeners = new Set<() => void>();

/** Called when any request finds the session gone (expired, signed out elsewhere). Returns an unsubscribe. */
export function onSessionExpired(listener: () => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (method !== 'GET') {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network_error', 'The server cannot be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
    const e = new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `The server answered ${res.status}.`, err?.details ?? {});
    if (e.code === 'unauthenticated' && !path.endsWith('/session')) for (const l of expiredListeners) l();
    throw e;
  }
  return json as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};

/** `/admin/api/restaurants/{slug}{path}`. */
export function rpath(slug: string, path = ''): string {
  return `/admin/api/restaurants/${encodeURIComponent(slug)}${path}`;
}

/** A query string from the defined values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** A message for people, with the validation issues when there are some. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const issues = e.issues;
    if (issues.length) return `${e.message} ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`;
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Saves JSON as a file download. */
export function downloadJson(filename: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2) + '\n'], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
