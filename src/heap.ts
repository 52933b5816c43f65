/**
 * How far V8 lets the server's old generation grow between two full collections.
 *
 * V8 sizes its heap for the machine, not for the program: on a box with 24 GB its old-generation limit after a full
 * collection is up to 4× what survived it, and before the first real one it is larger still. A request's objects that
 * outlive two scavenges (a key's usage row waiting up to 2 s for its batch, a Redis limiter command, an in-flight
 * booking) are promoted and become garbage in old space, which is only collected when that limit is reached. Under
 * the bench's load that garbage, not what the server keeps, made most of its peak: ~40–80 MB survive a full
 * collection, and the old space grew to 145–172 MB before one ran (docs/benchmarks.md, "Memory").
 *
 * The server asks V8 instead for a limit of (1 + HEAP_GROWING_PERCENT / 100) × the live size, the growth policy of
 * V8's own `--heap-growing-percent`: a full collection of a 60 MB heap (mostly concurrent marking) every 18 MB of
 * promotion instead of every 180 MB. Set at start-up, before the heap has grown, with `v8.setFlagsFromString` (the
 * flag is read at every limit computation, so it takes effect from the next collection on). An operator who passes
 * a flag sizing the old generation (`--heap-growing-percent`, `--max-old-space-size`, ...) on the command line or in
 * NODE_OPTIONS keeps V8's old generation exactly as configured.
 *
 * The young generation is sized when the process starts, so only the command can set it: SERVER_NODE_FLAGS, which
 * `npm start`, the Docker image and the bench pass to node. V8 grows each of its two semi-spaces up to 16 MB as the
 * allocation rate rises; at ~500 bookings a second (a booking allocates ~60 KB: its two rendered emails, their JSON,
 * its events) they reached it, 16 MB more resident memory than at half that rate, for no measured gain in throughput
 * over 8 MB (docs/benchmarks.md, "December 6, third pass").
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 30;

/** The node flags the server is started with (package.json `start`, Dockerfile, bench/processes.ts: test/heap.test.ts). */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=8'] as const;

const HEAP_FLAGS = /--(heap-growing-percent|max-old-space-size|max-heap-size|initial-old-space-size|initial-heap-size|optimize-for-size)\b/;

/** Applies the server's heap growth policy unless node was started with heap flags of its own; says which applies. */
export function applyHeapPolicy(execArgv: string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string {
  const own = [...execArgv, ...nodeOptions.split(/\s+/)].find((arg) => HEAP_FLAGS.test(arg.replace(/_/g, '-')));
  if (own) return `node's own (${own})`;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}
