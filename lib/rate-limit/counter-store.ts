/** A counter in a fixed window: how many hits so far, and when the window (and so the count) ends. */
export type WindowCount = { count: number; resetInMs: number };

/** Fixed-window counters by key. The first hit opens a window of `windowMs`; when it ends the key is gone. */
export interface CounterStore {
  hit(key: string, windowMs: number): Promise<WindowCount>;
  peek(key: string): Promise<WindowCount>;
  clear(key: string): Promise<void>;
  close(): Promise<void>;
}

const SWEEP_ABOVE = 10_000;

/** The embedded default: one process, so one Map is the whole truth. */
export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    if (this.windows.size > SWEEP_ABOVE) this.sweep(now);
    const open = this.live(key, now) ?? { count: 0, endsAt: now + windowMs };
    open.count += 1;
    this.windows.set(key, open);
    return { count: open.count, resetInMs: open.endsAt - now };
  }

  async peek(key: string): Promise<WindowCount> {
    const now = this.now();
    const open = this.live(key, now);
    return open ? { count: open.count, resetInMs: open.endsAt - now } : { count: 0, resetInMs: 0 };
  }

  async clear(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }

  private live(key: string, now: number) {
    const w = this.windows.get(key);
    if (w && w.endsAt > now) return w;
    if (w) this.windows.delete(key);
    return undefined;
  }

  // Keys of addresses that tried once and left would otherwise stay forever.
  private sweep(now: number) {
    for (const [key, w] of this.windows) if (w.endsAt <= now) this.windows.delete(key);
  }
}
