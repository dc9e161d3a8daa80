import { constants, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { invalidRequest } from '../../errors.js';
import { HASHES, nodeHash } from '../../framework/hash-algorithms.js';
import { decodeBase64, decodeBase64Url, encodeBase64, formatVersioned, parseVersioned } from './codec.js';
import { deriveEd25519 } from './derive.js';
import { decryptionVersion, encryptionVersion, requestContext, type KeyRecord } from './key-record.js';
import { ed25519PublicBytes, KEY_TYPE_INFO, privateKeyOf, publicKeyOf, type KeyVersion } from './key-types.js';

/**
 * Signatures with Node's `crypto`, following Vault's semantics
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#sign-data): ECDSA and RSA sign
 * the `hash_algorithm` digest of the input (so `openssl dgst -sha256 -verify` accepts them);
 * Ed25519 signs the input itself (pure Ed25519, RFC 8032). ECDSA signatures are DER (`asn1`) or
 * fixed-size r||s in base64url (`jws`); RSA uses PSS (salt as long as possible, Go's "auto") or
 * PKCS#1 v1.5.
 */

/** `sha1` only for signatures, as in Vault. */
const SIGNING_HASHES: Readonly<Record<string, string>> = { sha1: 'sha1', ...HASHES };

export interface SignOptions {
  hashAlgorithm: string;
  signatureAlgorithm: string;
  marshaling: string;
  saltLength: string;
  prehashed: boolean;
  context: string | undefined;
}

interface Prepared {
  hash: string | null;
  options: { dsaEncoding?: 'der' | 'ieee-p1363'; padding?: number; saltLength?: number };
}

function prepare(record: KeyRecord, opts: SignOptions, verifying: boolean): Prepared {
  const info = KEY_TYPE_INFO[record.type];
  if (!info.signing) throw invalidRequest(`key type \`${record.type}\` does not support signing`);
  // Node signs whole messages only; a caller-made digest cannot be signed without hand-rolled padding.
  if (opts.prehashed) throw invalidRequest('`prehashed` input is not supported');
  if (opts.marshaling !== 'asn1' && opts.marshaling !== 'jws') {
    throw invalidRequest(`invalid marshaling type \`${opts.marshaling}\``);
  }
  if (info.family === 'ed25519') return { hash: null, options: {} };
  const hash = nodeHash(opts.hashAlgorithm, SIGNING_HASHES);
  if (info.family === 'ecdsa') return { hash, options: { dsaEncoding: opts.marshaling === 'jws' ? 'ieee-p1363' : 'der' } };
  if (opts.signatureAlgorithm === 'pkcs1v15') return { hash, options: { padding: constants.RSA_PKCS1_PADDING } };
  if (opts.signatureAlgorithm !== 'pss') {
    throw invalidRequest(`unsupported rsa signature algorithm \`${opts.signatureAlgorithm}\``);
  }
  return { hash, options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSaltLength(opts.saltLength, verifying) } };
}

/** `auto` = as long as possible when signing and detected when verifying (Go's PSSSaltLengthAuto). */
function pssSaltLength(value: string, verifying: boolean): number {
  if (value === 'auto') return verifying ? constants.RSA_PSS_SALTLEN_AUTO : constants.RSA_PSS_SALTLEN_MAX_SIGN;
  if (value === 'hash') return constants.RSA_PSS_SALTLEN_DIGEST;
  if (/^\d{1,4}$/.test(value)) return Number(value);
  throw invalidRequest(`invalid salt_length \`${value}\``);
}

/** The key that signs for `version`: a per-context key for derived Ed25519 keys. */
function signingKey(record: KeyRecord, version: KeyVersion, context: Buffer | undefined): KeyObject {
  return context !== undefined ? deriveEd25519(version, context) : privateKeyOf(record.type, version);
}

/** Signs `input`; returns `vault:vN:…` and, for derived keys, the per-context public key. */
export function signInput(
  record: KeyRecord,
  input: Buffer,
  keyVersion: number | undefined,
  opts: SignOptions,
): { signature: string; key_version: number; publickey?: string } {
  const prepared = prepare(record, opts, false);
  const context = requestContext(record, opts.context);
  const ver = encryptionVersion(record, keyVersion, 'signing');
  const key = signingKey(record, record.versions[String(ver)]!, context);
  let sig: Buffer;
  try {
    sig = nodeSign(prepared.hash, input, { key, ...prepared.options });
  } catch {
    throw invalidRequest('signature could not be computed; check `salt_length` and `hash_algorithm`');
  }
  const encoded = opts.marshaling === 'jws' ? sig.toString('base64url') : encodeBase64(sig);
  return {
    signature: formatVersioned(ver, encoded),
    key_version: ver,
    ...(context !== undefined && { publickey: ed25519PublicBytes(key).toString('base64') }),
  };
}

/** Whether `signature` (`vault:vN:…`) is a valid signature of `input` by this key. */
export function verifyInput(record: KeyRecord, input: Buffer, signature: string, opts: SignOptions): boolean {
  const prepared = prepare(record, opts, true);
  const context = requestContext(record, opts.context);
  const parsed = parseVersioned(signature, 'signature');
  const sig = opts.marshaling === 'jws' ? decodeBase64Url(parsed.payload, 'signature') : decodeBase64(parsed.payload, 'signature');
  const version = decryptionVersion(record, parsed.version);
  const key = context !== undefined ? deriveEd25519(version, context) : publicKeyOf(record.type, version);
  try {
    return nodeVerify(prepared.hash, input, { key, ...prepared.options }, sig);
  } catch {
    // A malformed DER signature makes OpenSSL throw rather than answer false.
    return false;
  }
}
