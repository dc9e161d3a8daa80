/**
 * The body of the key-generation worker thread (see key-generator.ts). It lowers the priority of
 * its own thread only, then generates RSA key pairs synchronously, so the prime search runs on
 * this niced thread rather than on libuv's pool at normal priority, where it competed with the
 * event loop for a pinned core (BENCHMARKS.md, issue 7, "RSA-2048 isolation").
 *
 * Only this thread is reniced: V8's platform threads (GC helpers) are shared by every isolate in
 * the process and must keep normal priority — renicing them made the main thread stall on GC.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';

/** Nice value of the worker thread: the lowest priority Linux has. */
export const WORKER_NICE = 19;

export interface KeygenRequest {
  readonly id: number;
  readonly bits: number;
}

/** DER of the new pair, in buffers transferred to the caller (which zeroes the private one). */
export type KeygenReply =
  | { readonly id: number; readonly pkcs8: ArrayBuffer; readonly spki: ArrayBuffer }
  | { readonly id: number; readonly error: string };

/** Sent once at start: which kernel thread this is and whether its priority was lowered. */
export interface KeygenHello {
  readonly hello: true;
  readonly tid: number | undefined;
  readonly niced: boolean;
}

/**
 * Lowers the calling thread's priority. On Linux `/proc/thread-self` links to
 * `<pid>/task/<tid>`, and setpriority(2) on a TID affects that thread alone. Elsewhere, or when
 * the kernel refuses, the worker runs at normal priority: still off the event loop.
 */
function niceThisThread(): { tid: number | undefined; niced: boolean } {
  let tid: number | undefined;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return { tid: undefined, niced: false };
    setPriority(tid, WORKER_NICE);
    return { tid, niced: true };
  } catch {
    return { tid, niced: false };
  }
}

/** Copies `der` into a fresh transferable buffer and wipes the original. */
function detach(der: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(der.length);
  new Uint8Array(out).set(der);
  der.fill(0);
  return out;
}

// INVARIANT: one request at a time — the parent sends the next only after this one's reply.
if (parentPort) {
  const port = parentPort;
  port.postMessage({ hello: true, ...niceThisThread() } satisfies KeygenHello);
  port.on('message', (req: KeygenRequest) => {
    try {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', {
        modulusLength: req.bits,
        publicExponent: 0x10001,
        privateKeyEncoding: { type: 'pkcs8', format: 'der' },
        publicKeyEncoding: { type: 'spki', format: 'der' },
      });
      const pkcs8 = detach(privateKey);
      const spki = detach(publicKey);
      port.postMessage({ id: req.id, pkcs8, spki } satisfies KeygenReply, [pkcs8, spki]);
    } catch (err) {
      port.postMessage({ id: req.id, error: err instanceof Error ? err.message : 'key generation failed' } satisfies KeygenReply);
    }
  });
}
