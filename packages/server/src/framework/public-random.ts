import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for values that are public once used (AEAD nonces, certificate serials and
 * nonces), from a pooled CSPRNG buffer. Asking the CSPRNG for 8–12 bytes at a time costs
 * ~3–10 µs per call here (a locked call into OpenSSL each time); filling 4 KiB at once and
 * handing out slices costs well under 1 µs. Never for key material or tokens: those come
 * straight from `randomBytes`, so no copy of them ever sits in a shared pool.
 *
 * INVARIANT: every byte of the pool is handed out at most once, so two values never share
 * bytes and uniqueness is exactly that of fresh CSPRNG output.
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let next = POOL_SIZE;

/** Writes `length` fresh random bytes into `out` at `offset`. */
export function fillPublicRandom(out: Uint8Array, offset: number, length: number): void {
  if (length > POOL_SIZE) {
    randomFillSync(out, offset, length);
    return;
  }
  if (next + length > POOL_SIZE) {
    randomFillSync(pool);
    next = 0;
  }
  pool.copy(out, offset, next, next + length);
  // Zero what was handed out, so the pool never keeps a copy of a value in use.
  pool.fill(0, next, next + length);
  next += length;
}

/** `length` fresh random bytes in their own buffer. */
export function publicRandom(length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  fillPublicRandom(out, 0, length);
  return out;
}
