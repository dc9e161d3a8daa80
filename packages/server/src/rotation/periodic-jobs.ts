import type { EngineSpec, Logger } from '../framework/engine.js';

/**
 * Calls every mounted engine's `periodic()` (transit auto-rotation, database static-role
 * rotation, tidy jobs) once a minute on the active node, as Vault's rollback manager does.
 * A run never overlaps the previous one, and one engine's failure does not stop the others.
 */
export class PeriodicJobs {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly engines: () => Iterable<{ path: string; engine: EngineSpec }>,
    private readonly log: Logger,
    private readonly intervalMs = 60_000,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over every engine; resolves when all have finished. */
  runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      for (const { path, engine } of this.engines()) {
        if (!engine.periodic) continue;
        try {
          await engine.periodic();
        } catch (err) {
          this.log.warn('periodic job failed', { mount: path, error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
        }
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }
}
