import type { KeyObject } from 'node:crypto';
import type { EntryMeta } from './entry-format.js';
import { GENESIS, HashChain, type CheckpointEvent } from './hash-chain.js';

/** One line ready for a device, with the columns a database device indexes. */
export interface ChainRecord {
  readonly line: string;
  readonly seq: number;
  readonly meta?: EntryMeta;
}

/**
 * Where a chained writer's batches go. `write` hands records to the output in order (a
 * failure rejects the whole batch); `sync`, when the output has one, makes everything written
 * so far durable (fdatasync). Outputs without `sync` are durable, as far as they can be, on write.
 */
export interface RecordSink {
  write(records: readonly ChainRecord[]): Promise<void>;
  sync?(): Promise<void>;
}

export interface ChainedWriterOptions {
  readonly device: string;
  readonly sink: RecordSink;
  readonly now: () => number;
  /** A signed checkpoint after this many entries… */
  readonly checkpointEvery?: number;
  /** …or once this many milliseconds have passed since the last one. */
  readonly checkpointMs?: number;
}

interface Pending {
  readonly body?: string;
  readonly meta?: EntryMeta;
  /** Resolve only once synced (responses, checkpoints); otherwise once written. */
  readonly durable: boolean;
  readonly checkpoint?: CheckpointEvent;
  readonly extra?: Record<string, unknown>;
  /** Ends the segment, lets the sink switch files, and starts a new segment. */
  readonly rotate?: () => Promise<Record<string, unknown>>;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit for audit entries (BENCHMARKING.md, design consequence 4). Entries arriving
 * while a batch is being written wait and go together in the next one; each caller's promise
 * resolves only when the batch holding its entry is durable, so the pipeline never answers
 * before its entry is on disk. Chaining happens at write time, in order; if a batch fails, the
 * chain head goes back so the next batch links to the last entry that did reach the device.
 */
export class ChainedWriter {
  private readonly chain: HashChain;
  private queue: Pending[] = [];
  private flushing = false;
  private key: KeyObject | undefined;
  private sinceCheckpoint = 0;
  private lastCheckpoint: number;
  private openExtra: Record<string, unknown> = {};
  private syncWaiters: Pending[] = [];
  private syncing = false;

  constructor(private readonly options: ChainedWriterOptions) {
    this.chain = new HashChain(options.device);
    this.lastCheckpoint = options.now();
  }

  /** The signing key; undefined while sealed (checkpoints then wait for the next unseal). */
  setKey(key: KeyObject | undefined): void {
    this.key = key;
  }

  /**
   * Queues an entry. A `durable` entry resolves once a sync that started after its write
   * completed; a non-durable one as soon as it is written (the next durable entry's sync
   * covers it, since syncs cover everything written before them).
   */
  append(body: string, meta: EntryMeta | undefined, durable: boolean): Promise<void> {
    return this.enqueue({ body, durable, ...(meta && { meta }) });
  }

  /**
   * Starts the segment with an `open` checkpoint (the device's test write). `extra` goes into
   * it, and into the open checkpoint written again if this one never reaches the device.
   */
  open(extra: Record<string, unknown> = {}): Promise<void> {
    this.openExtra = extra;
    return this.checkpoint('open', extra);
  }

  checkpoint(event: CheckpointEvent, extra?: Record<string, unknown>): Promise<void> {
    return this.enqueue({ checkpoint: event, durable: true, ...(extra && { extra }) });
  }

  /**
   * Log rotation: a `close` checkpoint ends the segment in the old file, `reopen` switches the
   * sink (and returns the new segment's open-checkpoint fields), and a new segment starts. It
   * runs inside the flush loop, so no entry lands between the two.
   */
  rotate(reopen: () => Promise<Record<string, unknown>>): Promise<void> {
    return this.enqueue({ rotate: reopen, durable: true });
  }

  private enqueue(p: Omit<Pending, 'resolve' | 'reject'>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Spread last: `{ ...p, resolve }` is a slow copy in V8 (see pipeline/stage-audit.ts).
      this.queue.push({ resolve, reject, ...p });
      if (!this.flushing) {
        this.flushing = true;
        void this.flushLoop();
      }
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const cut = this.queue.findIndex((p) => p.rotate !== undefined);
      const batch = cut < 0 ? this.queue : this.queue.slice(0, cut + 1);
      this.queue = cut < 0 ? [] : this.queue.slice(cut + 1);
      const rotation = batch.find((p) => p.rotate !== undefined);
      const saved = this.chain.state();
      const savedCount = this.sinceCheckpoint;
      const records: ChainRecord[] = [];
      const time = () => new Date(this.options.now()).toISOString();
      // INVARIANT: a segment's first line is its open checkpoint, even after a failed first write.
      if (saved.seq === 0 && batch[0]?.checkpoint !== 'open') {
        records.push({ seq: 0, line: this.chain.checkpoint('open', time(), this.key, this.openExtra) });
      }
      for (const p of batch) {
        const seq = this.chain.state().seq;
        if (p.rotate) {
          records.push({ seq, line: this.chain.checkpoint('close', time(), this.key) });
          if (this.key) this.sinceCheckpoint = 0;
        } else if (p.checkpoint) {
          const signed = this.key !== undefined;
          records.push({ seq, line: this.chain.checkpoint(p.checkpoint, time(), this.key, p.extra) });
          if (signed) this.sinceCheckpoint = 0;
        } else {
          records.push({ seq, line: this.chain.link(p.body!), ...(p.meta && { meta: p.meta }) });
          this.sinceCheckpoint += 1;
        }
      }
      const due =
        this.key !== undefined &&
        this.sinceCheckpoint > 0 &&
        (this.sinceCheckpoint >= (this.options.checkpointEvery ?? 1000) ||
          this.options.now() - this.lastCheckpoint >= (this.options.checkpointMs ?? 10_000));
      if (due) {
        records.push({ seq: this.chain.state().seq, line: this.chain.checkpoint('periodic', time(), this.key) });
        this.sinceCheckpoint = 0;
      }
      try {
        await this.options.sink.write(records);
        if (due || batch.some((p) => p.checkpoint && this.key)) this.lastCheckpoint = this.options.now();
      } catch (err) {
        this.chain.restore(saved);
        this.sinceCheckpoint = savedCount;
        for (const p of batch) p.reject(err);
        continue;
      }
      if (rotation) {
        // The old file must be synced before it is closed: no sync may straddle the switch.
        while (this.syncing) await new Promise((resolve) => setImmediate(resolve));
        try {
          await this.options.sink.sync?.();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
        try {
          this.openExtra = await rotation.rotate!();
        } catch (err) {
          rotation.reject(err);
        }
        this.chain.restore({ seq: 0, head: GENESIS });
        this.sinceCheckpoint = 0;
      }
      // INVARIANT: a durable entry resolves only after a sync that began once it was written.
      for (const p of batch) {
        if (p.durable && this.options.sink.sync && !rotation) this.syncWaiters.push(p);
        else p.resolve(); // a no-op for a rotation already rejected
      }
      if (this.syncWaiters.length > 0 && !this.syncing) {
        this.syncing = true;
        void this.syncLoop();
      }
    }
    this.flushing = false;
  }

  /**
   * Group fsync, decoupled from writing: while one fdatasync runs, later batches are written
   * and their durable entries wait for the next one, so a sync never holds up a write.
   */
  private async syncLoop(): Promise<void> {
    while (this.syncWaiters.length > 0) {
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      try {
        await this.options.sink.sync!();
        for (const p of waiters) p.resolve();
      } catch (err) {
        for (const p of waiters) p.reject(err);
      }
    }
    this.syncing = false;
  }
}
