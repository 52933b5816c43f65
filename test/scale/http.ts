/**
 * A small HTTP client for the scale suites (node:http with keep-alive, one agent per target) and a bounded-concurrency
 * runner. A transport failure (refused, reset) is an answer too: status 0 with the error code, never a throw.
 */
import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** Transport error code (ECONNREFUSED, ECONNRESET, ...) when status is 0. */
  error?: string;
}

const agents = new Map<string, http.Agent>();

function agentFor(base: string): http.Agent {
  let agent = agents.get(base);
  if (!agent) agents.set(base, (agent = new http.Agent({ keepAlive: true, maxSockets: 256 })));
  return agent;
}

export function closeAgents(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: unknown;
  /** Abandon after this many ms (status 0, error 'timeout'). */
  timeoutMs?: number;
}

export function request(base: string, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method,
        agent: agentFor(base),
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ status: 0, headers: {}, body: null, error: err.code ?? err.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if (String(res.headers['content-type'] ?? '').includes('json')) {
            try {
              body = JSON.parse(text);
            } catch {
              /* keep the text */
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: 0, headers: {}, body: null, error: err.code ?? err.message }));
    req.end(payload);
  });
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once; resolves with the results in order. */
export async function runPool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Runs `task` repeatedly with `concurrency` workers until `stop()` returns true; resolves with every result. */
export async function runUntil<T>(concurrency: number, stop: () => boolean, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (!stop()) results.push(await task(next++));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Counts of answers by status ("0:ECONNRESET" for transport errors). */
export function tally(answers: Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const k = a.status === 0 ? `0:${a.error}` : String(a.status);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
