import type { Worker } from 'node:worker_threads';
import { VaultError, type ErrorCode } from '../errors.js';
import { startModuleWorker } from '../threads/module-worker.js';
import type { StorageOp } from './storage-backend.js';

/** What the writer thread is started with. */
export interface WriterInit {
  readonly path: string;
  readonly cacheKiB: number;
}

export type WriterRequest =
  | { readonly type: 'commit'; readonly id: number; readonly requests: readonly (readonly StorageOp[])[] }
  | { readonly type: 'close' };

export interface WireError {
  readonly code?: ErrorCode;
  readonly message: string;
}

/** Per request `null` (applied) or the error that rolled it back; or the whole group's failure. */
export type WriterReply =
  | { readonly id: number; readonly results: readonly (WireError | null)[] }
  | { readonly id: number; readonly failure: WireError };

interface PendingCommit {
  readonly resolve: (results: unknown[]) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The server-side handle of the SQLite writer thread (`sqlite-writer-thread.ts`). `commit`
 * resolves once the group is durable. If the thread dies, every pending and later commit is
 * rejected: the backend fails closed rather than acknowledging writes nobody committed.
 */
export class SqliteWriter {
  private readonly worker: Worker;
  private readonly exited: Promise<unknown>;
  private readonly pending = new Map<number, PendingCommit>();
  private nextId = 1;
  private failure: Error | undefined;
  private closing = false;

  constructor(init: WriterInit) {
    this.worker = startModuleWorker(import.meta.url, 'sqlite-writer-thread', { name: 'secretum-sqlite-writer', workerData: init });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    // Only an outstanding commit keeps the process alive (see `commit`).
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(new VaultError('internal', `storage writer failed: ${err.message}`)));
    this.worker.on('exit', () => {
      if (!this.closing) this.fail(new VaultError('internal', 'storage writer stopped'));
    });
  }

  commit(requests: readonly (readonly StorageOp[])[]): Promise<unknown[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<unknown[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ type: 'commit', id, requests } satisfies WriterRequest);
    });
  }

  /** Stops the thread after the commits already sent; callers drain their queue first. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.worker.ref();
    if (this.failure === undefined) this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
    else await this.worker.terminate();
    await this.exited;
  }

  private settle(reply: WriterReply): void {
    const waiting = this.pending.get(reply.id);
    if (waiting === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if ('failure' in reply) waiting.reject(fromWire(reply.failure));
    else waiting.resolve(reply.results.map((err) => (err === null ? undefined : fromWire(err))));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    this.worker.unref();
  }
}

function fromWire(err: WireError): Error {
  return err.code === undefined ? new Error(err.message) : new VaultError(err.code, err.message);
}
