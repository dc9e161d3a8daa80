import { createCipheriv, createDecipheriv } from 'node:crypto';
import { VaultError } from '../errors.js';
import { fillPublicRandom } from '../framework/public-random.js';

/**
 * The barrier's value format (ARCHITECTURE.md, "Storage and the barrier"):
 *
 *   0x01 | term (uint32 BE) | nonce (12 bytes) | ciphertext | GCM tag (16 bytes)
 *
 * AES-256-GCM from Node's crypto. The additional authenticated data is the 5-byte
 * version+term prefix followed by the full storage path: the path binds a ciphertext to its key
 * (copied elsewhere, it fails to decrypt) and the prefix binds it to its format and term.
 *
 * Term 0 is not a keyring term: it marks values encrypted directly under a root or unseal key
 * (the keyring itself, the protected root key).
 */
export const ENVELOPE_VERSION = 0x01;
/** Term used for values encrypted directly under the root key or the unseal key. */
export const DIRECT_TERM = 0;

const PREFIX_LENGTH = 5;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = PREFIX_LENGTH + NONCE_LENGTH;
const KEY_LENGTH = 32;

/** Encrypts `plaintext` for storage at `path` under `key` (32 bytes), tagged with `term`. */
export function encryptValue(key: Uint8Array, term: number, path: string, plaintext: Uint8Array): Uint8Array {
  if (key.length !== KEY_LENGTH) throw new VaultError('internal', 'encryption key must be 32 bytes');
  const out = new Uint8Array(HEADER_LENGTH + plaintext.length + TAG_LENGTH);
  const view = new DataView(out.buffer);
  out[0] = ENVELOPE_VERSION;
  view.setUint32(1, term, false);
  // A random 96-bit nonce per value: NIST SP 800-38D §8.3 allows 2^32 such encryptions per key;
  // `sys/rotate` (and the `encryptions` counter in key-status) keep us far below that.
  fillPublicRandom(out, PREFIX_LENGTH, NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, out.subarray(PREFIX_LENGTH, HEADER_LENGTH), {
    authTagLength: TAG_LENGTH,
  });
  cipher.setAAD(additionalData(out, path));
  // GCM is a stream mode: update() returns exactly the plaintext's length and final() nothing,
  // so ciphertext and tag go straight into place without an intermediate concat.
  const body = cipher.update(plaintext);
  const rest = cipher.final();
  if (body.length + rest.length !== plaintext.length) throw new VaultError('internal', 'unexpected ciphertext length');
  out.set(body, HEADER_LENGTH);
  out.set(rest, HEADER_LENGTH + body.length);
  out.set(cipher.getAuthTag(), HEADER_LENGTH + plaintext.length);
  return out;
}

/**
 * The term a stored value was written under, or `undefined` when `value` is not in the barrier
 * format (too short or another version). Reads only the header; authenticates nothing.
 */
export function valueTerm(value: Uint8Array): number | undefined {
  if (value.length < HEADER_LENGTH + TAG_LENGTH || value[0] !== ENVELOPE_VERSION) return undefined;
  return new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(1, false);
}

/**
 * Decrypts a value stored at `path`, asking `keyFor` for the key of the value's term.
 * Throws an `internal` VaultError that names the failure class but no key material.
 */
export function decryptValue(
  keyFor: (term: number) => Uint8Array | undefined,
  path: string,
  value: Uint8Array,
): Uint8Array {
  if (value.length < HEADER_LENGTH + TAG_LENGTH) throw decryptError('value is truncated');
  if (value[0] !== ENVELOPE_VERSION) throw decryptError('unsupported value version');
  const term = valueTerm(value)!;
  const key = keyFor(term);
  if (key === undefined) throw decryptError('unknown key term');
  const decipher = createDecipheriv('aes-256-gcm', key, value.subarray(PREFIX_LENGTH, HEADER_LENGTH), {
    authTagLength: TAG_LENGTH,
  });
  decipher.setAAD(additionalData(value, path));
  decipher.setAuthTag(value.subarray(value.length - TAG_LENGTH));
  const plain = decipher.update(value.subarray(HEADER_LENGTH, value.length - TAG_LENGTH));
  try {
    // final() authenticates (and, for GCM, outputs nothing); until it passes, `plain` is
    // unauthenticated and must not leave this function.
    if (decipher.final().length !== 0) throw new Error('unexpected trailing plaintext');
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
  } catch {
    plain.fill(0);
    // Node's message ("Unsupported state or unable to authenticate data") carries nothing
    // secret, but we replace it anyway so the wording is ours and stable.
    throw decryptError('message authentication failed');
  }
}

/** The 5-byte version+term prefix, then the storage path in UTF-8 (not secret: pooled memory is fine). */
function additionalData(value: Uint8Array, path: string): Buffer {
  const aad = Buffer.allocUnsafe(PREFIX_LENGTH + Buffer.byteLength(path, 'utf8'));
  aad.set(value.subarray(0, PREFIX_LENGTH), 0);
  aad.write(path, PREFIX_LENGTH, 'utf8');
  return aad;
}

const decryptError = (reason: string) => new VaultError('internal', `failed to decrypt a stored value: ${reason}`);
