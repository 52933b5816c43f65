/**
 * The HTTP half of a graceful stop, safe behind a balancer that keeps its upstream connections open
 * (deploy/nginx.conf: `keepalive`). HTTP/1.1 cannot announce that a server is about to close a connection, and a
 * balancer does not pass a POST it has already sent to another instance: a server that closes an idle kept connection
 * while a request is on its way on it fails that request (nginx: 502). So the server lets the client close:
 *
 * 1. It stops accepting connections: a balancer's new connection is refused, and the request goes to the next
 *    instance, since nothing was sent.
 * 2. Every request that arrives from now on is answered with `Connection: close`, and its connection closes after it.
 * 3. Idle connections are left to the client: the balancer closes its own after its `keepalive_timeout` (4 s in
 *    deploy/nginx.conf), unless it sends a request on one first (answered, then closed, as in 2). Only what is still
 *    idle after IDLE_GRACE_MS (a direct client keeping a connection) is closed by the server.
 *
 * It resolves once no connection is left: every request in flight has been answered.
 */
import type { Server } from 'node:http';
import net from 'node:net';

/**
 * Longer than the balancer's keepalive_timeout (docs/deploy.md): its idle connections are closed by then. A server
 * with no balancer in front drains with a grace of 0 (src/server.ts): its clients keep idle connections for as long
 * as they like, so waiting would only delay the stop.
 */
export const IDLE_GRACE_MS = 5_000;

export interface Drained {
  /** Connections still open at IDLE_GRACE_MS (their idle ones were then closed by the server). */
  openAtGrace: number;
}

export function drainHttp(server: Server, idleGraceMs = IDLE_GRACE_MS): Promise<Drained> {
  // First, so it runs before the app's own listener writes any part of the answer.
  server.prependListener('request', (_req, res) => {
    res.setHeader('connection', 'close');
  });
  return new Promise((resolve) => {
    let openAtGrace = 0;
    let sweeper: NodeJS.Timeout | undefined;
    const grace = setTimeout(() => {
      server.getConnections((err, open) => {
        if (!err) openAtGrace = open;
      });
      server.closeIdleConnections();
      // A request still running now answers without `Connection: close` (it began before the drain), and its
      // connection then goes idle: closed at the next sweep, not left to the 72 s keep-alive timeout.
      sweeper = setInterval(() => server.closeIdleConnections(), 1_000).unref();
    }, idleGraceMs).unref();
    // net.Server's close, not http.Server's: the latter also closes every idle connection at once, which is the race
    // described above. The callback runs when the last connection has closed.
    net.Server.prototype.close.call(server, () => {
      clearTimeout(grace);
      clearInterval(sweeper);
      resolve({ openAtGrace });
    });
  });
}
