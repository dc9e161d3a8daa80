import { fillPublicRandom } from '../../framework/public-random.js';

/** A certificate body with a few principals fits; larger ones grow the buffer. */
const INITIAL_BYTES = 1024;

/**
 * Writes SSH wire encoding (RFC 4251 §5): uint32, uint64, string, mpint, into one growing
 * buffer. A nested string reserves its length prefix and patches it once its contents are
 * written, so no field is encoded or copied twice (a certificate is ~30 fields; one allocation
 * per field showed up in the sign profile).
 */
export class WireWriter {
  private buf = Buffer.allocUnsafe(INITIAL_BYTES);
  private length = 0;

  /** Bytes as they are, without a length prefix. */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  uint32(n: number): void {
    this.reserve(4);
    this.length = this.buf.writeUInt32BE(n, this.length);
  }

  uint64(n: bigint): void {
    this.reserve(8);
    this.length = this.buf.writeBigUInt64BE(n, this.length);
  }

  /** A length-prefixed string; text is written as UTF-8. */
  string(value: string | Uint8Array): void {
    if (typeof value !== 'string') {
      this.uint32(value.length);
      this.raw(value);
      return;
    }
    // At most 3 bytes per UTF-16 unit; the exact length is patched in after writing.
    this.reserve(4 + 3 * value.length);
    const start = this.length + 4;
    const written = this.buf.write(value, start, 'utf8');
    this.buf.writeUInt32BE(written, this.length);
    this.length = start + written;
  }

  /** A string of `n` fresh random bytes. */
  randomString(n: number): void {
    this.uint32(n);
    this.reserve(n);
    fillPublicRandom(this.buf, this.length, n);
    this.length += n;
  }

  /** A string whose contents are what `write` writes (option lists, principal lists, signatures). */
  nested(write: (w: WireWriter) => void): void {
    this.reserve(4);
    const prefix = this.length;
    this.length += 4;
    write(this);
    this.buf.writeUInt32BE(this.length - prefix - 4, prefix);
  }

  /** An unsigned big-endian integer as an mpint: minimal, with a 0 byte if the top bit is set. */
  mpint(unsigned: Uint8Array): void {
    let i = 0;
    while (i < unsigned.length && unsigned[i] === 0) i++;
    const digits = unsigned.subarray(i);
    const pad = digits.length > 0 && (digits[0]! & 0x80) !== 0 ? 1 : 0;
    this.uint32(pad + digits.length);
    if (pad === 1) this.raw(ZERO);
    this.raw(digits);
  }

  /** Everything written so far. A view of the writer's buffer: valid while nothing more is written. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}

const ZERO = Uint8Array.of(0);
