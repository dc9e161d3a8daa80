import { createPrivateKey, generateKeyPair, hash, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import sshpk from 'sshpk';
import { invalidRequest } from '../../errors.js';
import { generateRsaKeyPair } from '../../keygen/key-generator.js';

/**
 * SSH key material: generating key pairs with Node's crypto (asynchronously; RSA on the
 * low-priority key-generation thread, keygen/, so a 4096-bit prime search neither blocks the
 * event loop nor competes with it for a core), and reading the OpenSSH and PEM formats users send through
 * sshpk. Every parse failure is a 400 that names the field, never the key.
 */

const generate = promisify(generateKeyPair);

/** The key algorithms this engine generates, signs with and signs for. */
export type KeyAlgorithm = 'ed25519' | 'rsa' | 'ec';

/** A private key in both shapes the engine needs: Node's for signing, sshpk's for SSH formats. */
export interface SshKeyPair {
  readonly algorithm: KeyAlgorithm;
  /** Node's key object; signing goes through `crypto.sign`. */
  readonly privateKey: KeyObject;
  /** PKCS#8 PEM, the form stored behind the barrier. */
  readonly privateKeyPem: string;
  readonly publicKey: sshpk.Key;
  /** sshpk's parse of the same key, kept: parsing an Ed25519 key derives its public half in JavaScript (≈ 4 ms). */
  readonly sshPrivateKey: sshpk.PrivateKey;
}

/**
 * Maps Vault's `key_type` spellings (OpenSSH names or algorithm names) to an algorithm and, for
 * ECDSA names, the curve size. Vault accepts both: https://developer.hashicorp.com/vault/api-docs/secret/ssh#key_type
 */
export function parseKeyType(field: string, value: string): { algorithm: KeyAlgorithm; bits?: number } {
  switch (value) {
    case 'ed25519':
    case 'ssh-ed25519':
      return { algorithm: 'ed25519' };
    case 'rsa':
    case 'ssh-rsa':
      return { algorithm: 'rsa' };
    case 'ec':
    case 'ecdsa':
      return { algorithm: 'ec' };
    case 'ecdsa-sha2-nistp256':
      return { algorithm: 'ec', bits: 256 };
    case 'ecdsa-sha2-nistp384':
      return { algorithm: 'ec', bits: 384 };
    case 'ecdsa-sha2-nistp521':
      return { algorithm: 'ec', bits: 521 };
    default:
      throw invalidRequest(`\`${field}\` must be one of ed25519, rsa, ec (or their OpenSSH names), got \`${value}\``);
  }
}

const CURVES: Record<number, string> = { 256: 'P-256', 384: 'P-384', 521: 'P-521' };

/**
 * Generates a key pair. `bits` is the RSA modulus size (0 ⇒ `defaultRsaBits`) or the NIST curve
 * (0 ⇒ P-256), as Vault's `key_bits`; it is ignored for Ed25519.
 */
export async function generateSshKeyPair(algorithm: KeyAlgorithm, bits: number, defaultRsaBits: number): Promise<SshKeyPair> {
  let privateKey: KeyObject;
  if (algorithm === 'ed25519') {
    ({ privateKey } = await generate('ed25519'));
  } else if (algorithm === 'rsa') {
    const modulusLength = bits === 0 ? defaultRsaBits : bits;
    // OpenSSH refuses RSA keys under 1024 bits; 2048 is the floor worth issuing today.
    if (![2048, 3072, 4096].includes(modulusLength)) {
      throw invalidRequest(`\`key_bits\` for rsa must be 2048, 3072 or 4096, got ${modulusLength}`);
    }
    ({ privateKey } = await generateRsaKeyPair(modulusLength));
  } else {
    const namedCurve = CURVES[bits === 0 ? 256 : bits];
    if (namedCurve === undefined) throw invalidRequest(`\`key_bits\` for ec must be 256, 384 or 521, got ${bits}`);
    ({ privateKey } = await generate('ec', { namedCurve }));
  }
  return fromKeyObject(privateKey);
}

/** Wraps a Node private key. */
export function fromKeyObject(privateKey: KeyObject): SshKeyPair {
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const parsed = sshpk.parsePrivateKey(privateKeyPem, 'pem');
  return { algorithm: algorithmOf(parsed), privateKey, privateKeyPem, publicKey: parsed.toPublic(), sshPrivateKey: parsed };
}

/** Reads a stored PKCS#8 PEM back into a key pair. */
export function loadStoredKeyPair(privateKeyPem: string): SshKeyPair {
  return fromKeyObject(createPrivateKey(privateKeyPem));
}

/**
 * Parses an imported private key: OpenSSH (`BEGIN OPENSSH PRIVATE KEY`), PKCS#1 or PKCS#8 PEM.
 * Encrypted keys are refused: the engine has nowhere to keep a passphrase.
 */
export function parsePrivateKeyField(field: string, text: string): SshKeyPair {
  let parsed: sshpk.PrivateKey;
  try {
    parsed = sshpk.parsePrivateKey(text, 'auto');
  } catch {
    throw invalidRequest(`\`${field}\` is not a valid unencrypted ssh private key`);
  }
  if (!isSupported(parsed.type)) throw invalidRequest(`\`${field}\` has an unsupported key type \`${parsed.type}\``);
  return fromKeyObject(toNodeKey(parsed));
}

/**
 * sshpk's PKCS#8 output for Ed25519 is not what OpenSSL reads, so Ed25519 keys cross over as a
 * JWK (RFC 8037); RSA and ECDSA keys as PKCS#8.
 */
function toNodeKey(parsed: sshpk.PrivateKey): KeyObject {
  if (parsed.type !== 'ed25519') return createPrivateKey(parsed.toString('pkcs8'));
  const seed = parsed.parts.find((p) => p.name === 'k')?.data;
  const pub = parsed.parts.find((p) => p.name === 'A')?.data;
  if (seed === undefined || pub === undefined) throw invalidRequest('`private_key` is not a valid ed25519 key');
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: seed.subarray(0, 32).toString('base64url'), x: pub.toString('base64url') },
    format: 'jwk',
  });
}

/** Parses one authorized_keys-style public key line (`ssh-ed25519 AAAA… comment`). */
export function parsePublicKeyField(field: string, text: string): sshpk.Key {
  let key: sshpk.Key;
  try {
    key = sshpk.parseKey(text.trim(), 'ssh');
  } catch {
    throw invalidRequest(`\`${field}\` is not a valid ssh public key`);
  }
  if (!isSupported(key.type)) throw invalidRequest(`\`${field}\` has an unsupported key type \`${key.type}\``);
  // RSA keys under 1024 bits are refused by OpenSSH itself; signing them would mint useless certs.
  if (key.type === 'rsa' && key.size < 1024) throw invalidRequest(`\`${field}\` is an rsa key of only ${key.size} bits`);
  return key;
}

/** The private key in OpenSSH's format (`BEGIN OPENSSH PRIVATE KEY`), unencrypted. */
export const openSshPrivateKey = (pair: SshKeyPair): string => pair.sshPrivateKey.toString('openssh');

/** The public key as one authorized_keys line, without a comment. */
export const authorizedKeyLine = (key: sshpk.Key): string => {
  const [type, blob] = key.toString('ssh').split(' ');
  return `${type} ${blob}`;
};

/** The public key in SSH wire format (RFC 4253 §6.6), what certificates embed and hash. */
export const wireBlob = (key: sshpk.Key): Buffer => key.toBuffer('rfc4253');

/**
 * Lowercase hex SHA-256 of the wire blob: Vault's `{{public_key_hash}}` in key ids, computed on
 * every sign. The one-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object `createHash` builds:
 * ≈ 0.35 instead of ≈ 0.8 µs here.
 */
export const publicKeyHash = (key: sshpk.Key): string => hash('sha256', wireBlob(key), 'hex');

/** The algorithm of an sshpk key (sshpk calls EC keys `ecdsa`). */
export function algorithmOf(key: sshpk.Key | sshpk.PrivateKey): KeyAlgorithm {
  if (key.type === 'ed25519') return 'ed25519';
  if (key.type === 'rsa') return 'rsa';
  if (key.type === 'ecdsa') return 'ec';
  throw invalidRequest(`unsupported key type \`${key.type}\``);
}

const isSupported = (type: string): boolean => type === 'ed25519' || type === 'rsa' || type === 'ecdsa';
