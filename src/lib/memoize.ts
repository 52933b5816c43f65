/**
 * A pure function of strings and numbers with its answers kept: the same arguments give the kept answer without a
 * call. At most `max` answers are kept; past that the memo is emptied and fills again (the hot sets it serves — a
 * booking window's dates and slot times, a few zones and languages — stay far below).
 */
export function memoize<A extends readonly (string | number)[], R>(fn: (...args: A) => R, max = 10_000): (...args: A) => R {
  const kept = new Map<string, R>();
  return (...args: A): R => {
    const key = args.join('\u0000');
    const known = kept.get(key);
    if (known !== undefined || kept.has(key)) return known as R;
    if (kept.size >= max) kept.clear();
    const value = fn(...args);
    kept.set(key, value);
    return value;
  };
}
