import { randomBytes } from 'node:crypto';
import { VaultError } from '../errors.js';

/** One encryption key of the barrier and when it became active. */
export interface KeyTerm {
  readonly term: number;
  readonly key: Uint8Array;
  readonly installTime: Date;
}

const FORMAT_VERSION = 1;
const KEY_LENGTH = 32;
const HEADER_LENGTH = 1 + 4 + 4 + 4;
const ENTRY_LENGTH = 4 + 8 + KEY_LENGTH;

/**
 * The barrier's keys by term. The active (highest) term encrypts new values; older terms stay
 * so that values written under them remain readable until the background upgrade rewrites
 * them. `upgradedTerm` records the term the last completed upgrade brought every value to, so
 * an upgrade interrupted by a seal or a restart resumes on the next unseal.
 *
 * Immutable: rotation returns a new keyring, which the barrier installs only once it is
 * persisted. Encoded in binary, not JSON, so key bytes never become (unwipeable) strings.
 */
export class Keyring {
  private wiped = false;

  private constructor(
    private readonly terms: ReadonlyMap<number, KeyTerm>,
    /** The term new values are encrypted under. */
    readonly activeTerm: number,
    /** Every stored value is known to be under this term or later. */
    readonly upgradedTerm: number,
  ) {}

  /** A new keyring with term 1 as its only key. */
  static create(now: Date): Keyring {
    const first: KeyTerm = { term: 1, key: newKey(), installTime: now };
    return new Keyring(new Map([[1, first]]), 1, 1);
  }

  /** Parses what {@link encode} wrote. */
  static decode(bytes: Uint8Array): Keyring {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < HEADER_LENGTH || bytes[0] !== FORMAT_VERSION) throw corrupt();
    const active = view.getUint32(1);
    const upgraded = view.getUint32(5);
    const count = view.getUint32(9);
    if (bytes.length !== HEADER_LENGTH + count * ENTRY_LENGTH) throw corrupt();
    const terms = new Map<number, KeyTerm>();
    for (let i = 0; i < count; i++) {
      const at = HEADER_LENGTH + i * ENTRY_LENGTH;
      const term = view.getUint32(at);
      const installTime = new Date(view.getFloat64(at + 4));
      // Copy: the caller wipes the decrypted buffer once we return.
      const key = Uint8Array.from(bytes.subarray(at + 12, at + 12 + KEY_LENGTH));
      terms.set(term, { term, key, installTime });
    }
    if (!terms.has(active)) throw corrupt();
    return new Keyring(terms, active, upgraded);
  }

  /** The binary form; the caller encrypts it and should wipe this buffer afterwards. */
  encode(): Uint8Array {
    this.assertLive();
    const out = new Uint8Array(HEADER_LENGTH + this.terms.size * ENTRY_LENGTH);
    const view = new DataView(out.buffer);
    out[0] = FORMAT_VERSION;
    view.setUint32(1, this.activeTerm);
    view.setUint32(5, this.upgradedTerm);
    view.setUint32(9, this.terms.size);
    [...this.terms.values()].forEach((t, i) => {
      const at = HEADER_LENGTH + i * ENTRY_LENGTH;
      view.setUint32(at, t.term);
      view.setFloat64(at + 4, t.installTime.getTime());
      out.set(t.key, at + 12);
    });
    return out;
  }

  /** The active term and its key. */
  get active(): KeyTerm {
    this.assertLive();
    return this.terms.get(this.activeTerm)!;
  }

  /** The key for `term`, if the keyring has it. */
  key(term: number): Uint8Array | undefined {
    this.assertLive();
    return this.terms.get(term)?.key;
  }

  /** A keyring with one more term, which becomes active. Shares the existing key buffers. */
  withNewTerm(now: Date): Keyring {
    this.assertLive();
    const term = Math.max(...this.terms.keys()) + 1;
    const terms = new Map(this.terms);
    terms.set(term, { term, key: newKey(), installTime: now });
    return new Keyring(terms, term, this.upgradedTerm);
  }

  /** The same keys, recording that every value now sits under `term` or later. */
  withUpgradedTerm(term: number): Keyring {
    this.assertLive();
    return new Keyring(this.terms, this.activeTerm, term);
  }

  /**
   * Overwrites every key with zeros. Keyrings derived from this one share its buffers, so the
   * barrier wipes only the keyring it has installed, which holds every term.
   */
  wipe(): void {
    for (const t of this.terms.values()) t.key.fill(0);
    this.wiped = true;
  }

  // INVARIANT: a wiped keyring never hands out a key. An all-zero key would still "work",
  // silently writing values anyone can decrypt.
  private assertLive(): void {
    if (this.wiped) throw new VaultError('internal', 'keyring used after it was wiped');
  }
}

/** A fresh random key as a plain Uint8Array over its own memory (randomBytes does not pool). */
const newKey = (): Uint8Array => {
  const b = randomBytes(KEY_LENGTH);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};
const corrupt = () => new VaultError('internal', 'the stored keyring is corrupt');
