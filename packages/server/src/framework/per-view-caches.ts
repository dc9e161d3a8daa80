import type { StorageView } from '../storage/storage-view.js';

/**
 * An engine's caches, one set per storage view, all dropped at once when the engine closes
 * (seal, unmount). Keyed by view because the router hands every request of a mount the same
 * view (rebuilt on each unseal); any other view — over other data — gets caches of its own
 * rather than a wrong hit, and a view that is gone takes its caches with it (WeakMap).
 */
export class PerViewCaches<T> {
  private byView = new WeakMap<StorageView, T>();
  private readonly live = new Set<T>();

  /**
   * @param create  a fresh set of caches for a view
   * @param drop    forgets what one set holds (called for every set on close)
   */
  constructor(
    private readonly create: () => T,
    private readonly drop: (caches: T) => void,
  ) {}

  /** The caches of `view`, created on first use. */
  of(view: StorageView): T {
    let found = this.byView.get(view);
    if (found === undefined) {
      found = this.create();
      this.byView.set(view, found);
      this.live.add(found);
    }
    return found;
  }

  /** Drops every view's caches; views used afterwards start with fresh ones. */
  close(): void {
    for (const caches of this.live) this.drop(caches);
    this.live.clear();
    this.byView = new WeakMap();
  }
}
