import { createHash, createPublicKey, generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import { invalidRequest } from '../../errors.js';
import { generateRsaKeyPair } from '../../keygen/key-generator.js';

/**
 * Key pairs for issuers and issued certificates: generated as Node key objects, signed with
 * through WebCrypto (which @peculiar/x509 uses). RSA prime search never runs on the event loop
 * nor on libuv's pool: see {@link generateKeyPair}.
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

/** A new key pair as Node key objects: what issuance exports and what CA paths import. */
export interface GeneratedKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/**
 * Generates a key pair of `spec`. EC and Ed25519 are generated in place (≈ 0.1 ms for P-256,
 * cheaper than a WebCrypto round trip through the libuv pool); RSA goes to the low-priority
 * key-generation worker (keygen/key-generator.ts), whose queue answers 503 when full.
 */
export async function generateKeyPair(spec: KeySpec): Promise<GeneratedKeyPair> {
  switch (spec.type) {
    case 'ec':
      return generateKeyPairSync('ec', { namedCurve: EC_CURVES[spec.bits]!.curve });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'rsa':
      return generateRsaKeyPair(spec.bits);
  }
}

/** The same pair as WebCrypto keys (extractable), for self-signing a root and signing a CSR. */
export async function toCryptoKeyPair(pair: GeneratedKeyPair, spec: KeySpec): Promise<CryptoKeyPair> {
  const subtle = webcrypto.subtle;
  const algorithm = signingAlgorithm(spec);
  const [privateKey, publicKey] = await Promise.all([
    subtle.importKey('pkcs8', pair.privateKey.export({ type: 'pkcs8', format: 'der' }), algorithm, true, ['sign']),
    subtle.importKey('spki', spkiDer(pair.publicKey), algorithm, true, ['verify']),
  ]);
  return { privateKey, publicKey };
}

/** PKCS#8 DER of a private key, base64, for storage (the barrier encrypts it). */
export function exportPkcs8(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'der' }).toString('base64');
}

/** SubjectPublicKeyInfo DER of a public key. */
export const spkiDer = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

/**
 * The subject key identifier of a public key, hex: SHA-1 of the subjectPublicKey BIT STRING
 * contents (RFC 5280 §4.2.1.2, method 1), as @peculiar/x509 computes it — taken from Node's own
 * encodings instead of parsing the SPKI: PKCS#1 RSAPublicKey for RSA, the uncompressed point
 * (SEC 1 §2.3.3) for EC, the raw key for Ed25519 (RFC 8410 §4).
 */
export function subjectKeyId(key: KeyObject): string {
  const hash = createHash('sha1');
  switch (key.asymmetricKeyType) {
    case 'rsa':
      hash.update(key.export({ type: 'pkcs1', format: 'der' }));
      break;
    case 'ec': {
      const jwk = key.export({ format: 'jwk' });
      hash.update(Buffer.from([4])).update(Buffer.from(jwk.x ?? '', 'base64url')).update(Buffer.from(jwk.y ?? '', 'base64url'));
      break;
    }
    case 'ed25519':
      hash.update(Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url'));
      break;
    default:
      throw new TypeError(`no key identifier for ${key.asymmetricKeyType ?? 'unknown'} keys`);
  }
  return hash.digest('hex');
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
export function privateKeyPem(key: KeyObject, spec: KeySpec, format: string): string {
  const type = format === 'pkcs8' || spec.type === 'ed25519' ? 'pkcs8' : spec.type === 'ec' ? 'sec1' : 'pkcs1';
  return String(key.export({ type, format: 'pem' })).trimEnd();
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
