/**
 * One timer per key, replaced when the key is rescheduled. Delays beyond setTimeout's limit
 * (about 24.8 days) are reached in steps, so a 32-day lease still fires on time.
 */
const MAX_DELAY = 2 ** 31 - 1;

export class TimerSet {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly now: () => number) {}

  schedule(key: string, atMs: number, fire: () => void): void {
    this.cancel(key);
    const delay = Math.max(0, atMs - this.now());
    const timer = setTimeout(() => {
      this.timers.delete(key);
      if (delay > MAX_DELAY) this.schedule(key, atMs, fire);
      else fire();
    }, Math.min(delay, MAX_DELAY));
    timer.unref();
    this.timers.set(key, timer);
  }

  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  get size(): number {
    return this.timers.size;
  }
}
