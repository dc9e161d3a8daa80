import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt } from 'node:crypto';
import { invalidRequest } from '../../errors.js';
import { decodeBase64, encodeBase64, formatVersioned, parseVersioned } from './codec.js';
import { symmetricKey } from './derive.js';
import { decryptionVersion, encryptionVersion, requestContext, type KeyRecord } from './key-record.js';
import { KEY_TYPE_INFO, privateKeyOf, publicKeyOf, type KeyVersion } from './key-types.js';
import { fillPublicRandom } from '../../framework/public-random.js';

/**
 * Encrypt and decrypt with a named key. AEAD payloads are `nonce(12) || ciphertext || tag(16)`
 * with a random 96-bit nonce and no associated data, the layout Vault writes, so a
 * `vault:v<N>:…` value is byte-compatible with Vault given the same key. RSA keys use
 * RSA-OAEP with SHA-256, as Vault does.
 */

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts `plaintext` with `requestedVersion` (0/absent = latest) and returns `vault:vN:…`. */
export function encrypt(
  record: KeyRecord,
  plaintext: Buffer,
  opts: { context?: string | undefined; keyVersion?: number | undefined },
): { ciphertext: string; keyVersion: number } {
  const info = KEY_TYPE_INFO[record.type];
  if (!info.encryption) throw invalidRequest(`key type \`${record.type}\` does not support encryption`);
  const context = requestContext(record, opts.context);
  const keyVersion = encryptionVersion(record, opts.keyVersion);
  const version = record.versions[String(keyVersion)]!;
  const sealed = info.family === 'rsa' ? rsaEncrypt(record, version, plaintext) : seal(record, version, context, plaintext);
  return { ciphertext: formatVersioned(keyVersion, encodeBase64(sealed)), keyVersion };
}

/** Decrypts a `vault:vN:…` ciphertext; any change to it, a wrong key or context answers 400. */
export function decrypt(record: KeyRecord, ciphertext: string, opts: { context?: string | undefined }): Buffer {
  const info = KEY_TYPE_INFO[record.type];
  if (!info.encryption) throw invalidRequest(`key type \`${record.type}\` does not support decryption`);
  const context = requestContext(record, opts.context);
  const parsed = parseVersioned(ciphertext, 'ciphertext');
  const blob = decodeBase64(parsed.payload, 'ciphertext');
  const version = decryptionVersion(record, parsed.version);
  return info.family === 'rsa' ? rsaDecrypt(record, version, blob) : open(record, version, context, blob);
}

/** `nonce || ciphertext || tag`, written into one buffer. */
function seal(record: KeyRecord, version: KeyVersion, context: Buffer | undefined, plaintext: Buffer): Buffer {
  const out = Buffer.allocUnsafe(NONCE_BYTES + plaintext.length + TAG_BYTES);
  fillPublicRandom(out, 0, NONCE_BYTES);
  const nonce = out.subarray(0, NONCE_BYTES);
  const key = symmetricKey(version, context);
  const name = cipherName(record);
  const opts = { authTagLength: TAG_BYTES };
  const cipher =
    name === 'chacha20-poly1305' ? createCipheriv(name, key, nonce, opts) : createCipheriv(name, key, nonce, opts);
  // GCM and ChaCha20-Poly1305 are stream modes: update() returns every byte and final() none.
  let at = NONCE_BYTES + cipher.update(plaintext).copy(out, NONCE_BYTES);
  at += cipher.final().copy(out, at);
  // INVARIANT: every byte of `out` is written; allocUnsafe memory must never reach a response.
  if (at + TAG_BYTES !== out.length) throw new Error('aead output length mismatch');
  cipher.getAuthTag().copy(out, at);
  return out;
}

function open(record: KeyRecord, version: KeyVersion, context: Buffer | undefined, blob: Buffer): Buffer {
  if (blob.length < NONCE_BYTES + TAG_BYTES) throw invalidRequest('invalid ciphertext length');
  const nonce = blob.subarray(0, NONCE_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  const body = blob.subarray(NONCE_BYTES, blob.length - TAG_BYTES);
  const key = symmetricKey(version, context);
  const name = cipherName(record);
  const opts = { authTagLength: TAG_BYTES };
  // Two calls so each picks its typed overload (GCM vs ChaCha20-Poly1305); the behaviour is the same.
  const decipher =
    name === 'chacha20-poly1305' ? createDecipheriv(name, key, nonce, opts) : createDecipheriv(name, key, nonce, opts);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    // Go's message, which Vault clients see for a tampered ciphertext or a wrong context.
    throw invalidRequest('cipher: message authentication failed');
  }
}

function cipherName(record: KeyRecord): 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' {
  const cipher = KEY_TYPE_INFO[record.type].cipher;
  if (cipher === undefined) throw invalidRequest(`key type \`${record.type}\` does not support encryption`);
  return cipher;
}

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

function rsaEncrypt(record: KeyRecord, version: KeyVersion, plaintext: Buffer): Buffer {
  try {
    return publicEncrypt({ key: publicKeyOf(record.type, version), ...OAEP }, plaintext);
  } catch {
    throw invalidRequest('plaintext is too long for the rsa key');
  }
}

function rsaDecrypt(record: KeyRecord, version: KeyVersion, blob: Buffer): Buffer {
  try {
    return privateDecrypt({ key: privateKeyOf(record.type, version), ...OAEP }, blob);
  } catch {
    throw invalidRequest('failed to rsa-decrypt the ciphertext');
  }
}
