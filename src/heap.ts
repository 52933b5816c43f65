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
 * any heap-sizing flag to node (`--heap-growing-percent`, `--max-old-space-size`, `--max-semi-space-size`, ...) on
 * the command line or in NODE_OPTIONS keeps V8 exactly as configured.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 30;

const HEAP_FLAGS = /--(heap-growing-percent|max-old-space-size|max-semi-space-size|max-heap-size|initial-old-space-size|initial-heap-size|optimize-for-size)\b/;

/** Applies the server's heap growth policy unless node was started with heap flags of its own; says which applies. */
export function applyHeapPolicy(execArgv: string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string {
  const own = [...execArgv, ...nodeOptions.split(/\s+/)].find((arg) => HEAP_FLAGS.test(arg.replace(/_/g, '-')));
  if (own) return `node's own (${own})`;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}
