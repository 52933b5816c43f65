/**
 * A map bounded by the bytes its values hold (as the caller weighs them) and by its entry count, least recently used
 * first out: a read moves an entry last, and a set evicts from the front until both bounds hold again. A value heavier
 * than the whole budget is not kept.
 */
export class ByteLru<V> {
  private readonly map = new Map<string, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    readonly maxBytes: number,
    readonly maxEntries: number,
    private readonly weigh: (value: V) => number,
  ) {}

  /** The value, made the most recently used. */
  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** The value, without touching its recency. */
  peek(key: string): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const bytes = this.weigh(value);
    if (bytes > this.maxBytes) return;
    while (this.map.size > 0 && (this.total + bytes > this.maxBytes || this.map.size >= this.maxEntries)) {
      this.delete(this.map.keys().next().value!);
    }
    this.map.set(key, { value, bytes });
    this.total += bytes;
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.total -= e.bytes;
  }

  get size(): number {
    return this.map.size;
  }

  /** The weight of what is kept, bytes. */
  get bytes(): number {
    return this.total;
  }
}
