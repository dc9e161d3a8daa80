import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { VaultError } from '../errors.js';
import { startModuleWorker } from '../threads/module-worker.js';
import type { KeygenHello, KeygenReply, KeygenRequest } from './keygen-worker.js';

/**
 * RSA key generation on one dedicated low-priority worker thread.
 *
 * Why: an RSA-2048 prime search costs ≈ 150 ms of CPU. On the libuv pool (WebCrypto
 * `generateKey`, async `generateKeyPair`) up to four of them run at normal priority and, on a
 * server pinned to one core, take that core from the event loop: KV read p99 rose 8.9× under
 * RSA issuance (BENCHMARKS.md, issue 7). Here one worker, niced to 19, generates one key at a
 * time; whatever the event loop needs it gets first.
 *
 * Back-pressure: at most `maxPending` requests (running plus waiting); beyond that callers get
 * 503 `unavailable` at once instead of a queue that grows without bound.
 *
 * Lifetime: started on first use. It holds the process open only while a request is running
 * (so an awaited key is never lost to an exiting process); idle, it is unref'd. `close()`
 * terminates it and fails whatever is pending; a later request starts a new one.
 */

/** A freshly generated RSA key pair. */
export interface RsaKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface KeyGeneratorOptions {
  /** Requests admitted at once, running and waiting (default 32). */
  readonly maxPending?: number;
}

/** What the worker thread reported at start; undefined until it has. */
export interface KeygenThreadInfo {
  readonly tid: number | undefined;
  readonly niced: boolean;
}

interface Job {
  readonly id: number;
  readonly bits: number;
  resolve(pair: RsaKeyPair): void;
  reject(err: Error): void;
}

const DEFAULT_MAX_PENDING = 32;
/** Modulus sizes accepted (callers validate Vault's own lists; this guards the worker). */
const MIN_BITS = 1024;
const MAX_BITS = 16384;

/** Starts keygen-worker.js beside this module. */
const spawnWorker = (): Worker => startModuleWorker(import.meta.url, 'keygen-worker', { name: 'secretum-keygen' });

export class KeyGenerator {
  private readonly maxPending: number;
  private worker: Worker | undefined;
  private running: Job | undefined;
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private info: KeygenThreadInfo | undefined;

  constructor(options: KeyGeneratorOptions = {}) {
    this.maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  }

  /** Requests running or waiting. */
  get pending(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  /** The worker thread's id and whether it was niced, once it has started. */
  get thread(): KeygenThreadInfo | undefined {
    return this.info;
  }

  /** Generates an RSA key pair of `bits` (public exponent 65537) on the worker thread. */
  generateRsaKeyPair(bits: number): Promise<RsaKeyPair> {
    if (!Number.isInteger(bits) || bits < MIN_BITS || bits > MAX_BITS) {
      return Promise.reject(new RangeError(`rsa modulus of ${bits} bits is outside ${MIN_BITS}..${MAX_BITS}`));
    }
    if (this.pending >= this.maxPending) {
      return Promise.reject(new VaultError('unavailable', 'too many key generations in progress; retry later'));
    }
    return new Promise<RsaKeyPair>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, bits, resolve, reject });
      this.pump();
    });
  }

  /** Terminates the worker; pending requests fail with 503. Safe to call more than once. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.info = undefined;
    const failed = [...(this.running ? [this.running] : []), ...this.waiting.splice(0)];
    this.running = undefined;
    for (const job of failed) job.reject(new VaultError('unavailable', 'key generation stopped'));
    if (worker) {
      worker.removeAllListeners();
      await worker.terminate();
    }
  }

  private pump(): void {
    if (this.running) return;
    const job = this.waiting.shift();
    if (!job) {
      this.worker?.unref();
      return;
    }
    this.running = job;
    const worker = this.worker ?? this.start();
    worker.ref();
    worker.postMessage({ id: job.id, bits: job.bits } satisfies KeygenRequest);
  }

  private start(): Worker {
    const worker = spawnWorker();
    worker.unref();
    worker.on('message', (msg: KeygenReply | KeygenHello) => {
      if ('hello' in msg) this.info = { tid: msg.tid, niced: msg.niced };
      else this.settle(msg);
    });
    // A crashed worker fails the request it was running; the next request starts a new one.
    const lost = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.info = undefined;
      worker.removeAllListeners();
      void worker.terminate();
      const job = this.running;
      this.running = undefined;
      job?.reject(err);
      this.pump();
    };
    worker.on('error', () => lost(new VaultError('internal', 'key generation failed')));
    worker.on('exit', () => lost(new VaultError('internal', 'key generation worker exited')));
    this.worker = worker;
    return worker;
  }

  private settle(reply: KeygenReply): void {
    const job = this.running;
    if (!job || job.id !== reply.id) return;
    this.running = undefined;
    if ('error' in reply) {
      job.reject(new VaultError('internal', 'key generation failed'));
    } else {
      const pkcs8 = new Uint8Array(reply.pkcs8);
      try {
        job.resolve({
          privateKey: createPrivateKey({ key: Buffer.from(pkcs8.buffer, pkcs8.byteOffset, pkcs8.byteLength), format: 'der', type: 'pkcs8' }),
          publicKey: createPublicKey({ key: Buffer.from(reply.spki), format: 'der', type: 'spki' }),
        });
      } catch {
        job.reject(new VaultError('internal', 'key generation failed'));
      } finally {
        pkcs8.fill(0);
      }
    }
    this.pump();
  }
}

/** The process-wide generator: one low-priority thread shared by every engine. */
export const keyGenerator = new KeyGenerator();

/** Generates an RSA key pair on the shared low-priority worker. 503 when its queue is full. */
export const generateRsaKeyPair = (bits: number): Promise<RsaKeyPair> => keyGenerator.generateRsaKeyPair(bits);

/** Stops the shared worker (server shutdown); pending requests fail with 503. */
export const stopKeyGeneration = (): Promise<void> => keyGenerator.close();
