import { createPublicKey, KeyObject, webcrypto } from 'node:crypto';
import { invalidRequest } from '../../errors.js';

/**
 * Key pairs for issuers and issued certificates, on Node's WebCrypto. Generation is always
 * asynchronous: WebCrypto runs RSA prime search on the libuv thread pool, so a 4096-bit key never
 * blocks the event loop.
 */
export type KeyType = 'ec' | 'rsa' | 'ed25519';

/** WebCrypto types from node:crypto (the server compiles without the DOM lib). */
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
/** A WebCrypto signing algorithm, as @peculiar/x509 takes it. */
export type SigningAlgorithm = webcrypto.Algorithm & { hash?: string; namedCurve?: string };

/** What a key is, as stored and as Vault reports it (`key_type`, `key_bits`). */
export interface KeySpec {
  type: KeyType;
  bits: number;
}

const EC_CURVES: Record<number, { curve: string; hash: string }> = {
  256: { curve: 'P-256', hash: 'SHA-256' },
  384: { curve: 'P-384', hash: 'SHA-384' },
  521: { curve: 'P-521', hash: 'SHA-512' },
};
const RSA_BITS = [2048, 3072, 4096, 8192];

/**
 * Resolves Vault's `key_type`/`key_bits` pair: 0 means the type's default (EC P-256, RSA 2048;
 * ed25519 has no size). P-224 is refused: WebCrypto has no such curve.
 */
export function resolveKeySpec(type: string, bits: number): KeySpec {
  switch (type) {
    case 'ec': {
      const size = bits === 0 ? 256 : bits;
      if (!EC_CURVES[size]) throw invalidRequest(`unsupported bit length for ec key: ${bits}`);
      return { type, bits: size };
    }
    case 'rsa': {
      const size = bits === 0 ? 2048 : bits;
      if (!RSA_BITS.includes(size)) throw invalidRequest(`unsupported bit length for rsa key: ${bits}`);
      return { type, bits: size };
    }
    case 'ed25519':
      return { type, bits: 0 };
    default:
      throw invalidRequest(`unknown key type \`${type}\``);
  }
}

/** The WebCrypto algorithm a key of `spec` signs with (SHA-256 for RSA, curve-matched for EC). */
export function signingAlgorithm(spec: KeySpec): SigningAlgorithm {
  switch (spec.type) {
    case 'ec':
      return { name: 'ECDSA', namedCurve: EC_CURVES[spec.bits]!.curve, hash: EC_CURVES[spec.bits]!.hash };
    case 'rsa':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    case 'ed25519':
      return { name: 'Ed25519' };
  }
}

/** Generates an extractable key pair of `spec`. */
export async function generateKeyPair(spec: KeySpec): Promise<CryptoKeyPair> {
  const subtle = webcrypto.subtle;
  switch (spec.type) {
    case 'ec':
      return subtle.generateKey({ name: 'ECDSA', namedCurve: EC_CURVES[spec.bits]!.curve }, true, ['sign', 'verify']);
    case 'rsa':
      return subtle.generateKey(
        { name: 'RSASSA-PKCS1-v1_5', modulusLength: spec.bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
        true,
        ['sign', 'verify'],
      );
    case 'ed25519':
      return subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  }
}

/** PKCS#8 DER of a private key, base64, for storage (the barrier encrypts it). */
export async function exportPkcs8(key: CryptoKey): Promise<string> {
  return Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key)).toString('base64');
}

/** Imports a stored PKCS#8 private key for signing with the algorithm of `spec`. */
export async function importPrivateKey(pkcs8: string, spec: KeySpec): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(pkcs8, 'base64'), signingAlgorithm(spec), false, ['sign']);
}

/**
 * The PEM Vault returns for a private key: SEC 1 (`EC PRIVATE KEY`) for EC, PKCS#1
 * (`RSA PRIVATE KEY`) for RSA, PKCS#8 for ed25519, or PKCS#8 for all when
 * `private_key_format=pkcs8`.
 */
export async function privateKeyPem(key: CryptoKey, spec: KeySpec, format: string): Promise<string> {
  const object = KeyObject.from(key);
  const type = format === 'pkcs8' || spec.type === 'ed25519' ? 'pkcs8' : spec.type === 'ec' ? 'sec1' : 'pkcs1';
  return String(object.export({ type, format: 'pem' })).trimEnd();
}

/** The key type and size of a public key (from a CSR or certificate), or throws 400. */
export function specOfPublicKey(spki: ArrayBuffer): KeySpec {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const byCurve: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
      const bits = byCurve[details.namedCurve ?? ''];
      if (bits === undefined) throw invalidRequest('unsupported ec curve in public key');
      return { type: 'ec', bits };
    }
    case 'rsa':
      return { type: 'rsa', bits: details.modulusLength ?? 0 };
    case 'ed25519':
      return { type: 'ed25519', bits: 0 };
    default:
      throw invalidRequest(`unsupported public key type \`${key.asymmetricKeyType ?? 'unknown'}\``);
  }
}
