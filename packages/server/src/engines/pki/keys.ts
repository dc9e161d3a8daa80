import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, webcrypto, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { invalidRequest } from '../../errors.js';
import { generateRsaKeyPair } from '../../keygen/key-generator.js';
import { jwkPublicKeyInfo, publicKeyInfo, publicKeyInfoDer } from './subject-public-key.js';
import type { asn1X509 } from './x509.js';

/**
 * Key pairs for issuers and issued certificates, as Node key objects. Certificates and OCSP
 * responses are signed with `crypto.sign` ({@link signWithKey}); CSRs and CRLs, which
 * @peculiar/x509 builds and signs itself, through WebCrypto. RSA prime search never runs on the
 * event loop nor on libuv's pool: see {@link generateKeyPair}.
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

/** Each curve with its hash (RFC 5758 §3.2), as WebCrypto and as node:crypto name it. */
const EC_CURVES: Record<number, { curve: string; hash: string; digest: string }> = {
  256: { curve: 'P-256', hash: 'SHA-256', digest: 'sha256' },
  384: { curve: 'P-384', hash: 'SHA-384', digest: 'sha384' },
  521: { curve: 'P-521', hash: 'SHA-512', digest: 'sha512' },
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

/** A new key pair: what issuance exports and what CA paths store and sign with. */
export interface GeneratedKeyPair {
  readonly privateKey: KeyObject;
  /** The public half, as a certificate carries it. */
  readonly publicKeyInfo: asn1X509.SubjectPublicKeyInfo;
}

/**
 * `generateKeyPairSync` returning the public half as a JWK and the private half as a key object
 * (Node: "if a publicKeyEncoding … was specified, this function behaves as if keyObject.export()
 * had been called on its result. Otherwise, the respective part of the key is returned as a
 * KeyObject"), which @types/node's overloads do not model.
 */
const generateWithJwk = generateKeyPairSync as unknown as (
  type: 'ec' | 'ed25519',
  options: { namedCurve?: string; publicKeyEncoding: { format: 'jwk' } },
) => { publicKey: JsonWebKey; privateKey: KeyObject };

/**
 * Generates a key pair of `spec`. EC and Ed25519 are generated in place (≈ 0.1 ms for P-256,
 * cheaper than a WebCrypto round trip through the libuv pool); RSA goes to the low-priority
 * key-generation worker (keygen/key-generator.ts), whose queue answers 503 when full.
 *
 * INVARIANT: a key object from `generateKeyPairSync` is never exported as a JWK (nor its
 * `asymmetricKeyDetails` read). Node 20 (src/crypto/crypto_ec.cc, crypto_keygen.h) holds the
 * key's mutex while building a JWK's strings; if that allocation runs a GC which collects the
 * generation job, the job's destructor takes the same mutex and the event loop deadlocks
 * (reproduced here within seconds of exporting fresh keys in a loop). So the public JWK is made
 * inside the generation job, while it is still alive; PEM and DER exports take no such lock.
 */
export async function generateKeyPair(spec: KeySpec): Promise<GeneratedKeyPair> {
  switch (spec.type) {
    case 'ec':
    case 'ed25519': {
      const namedCurve = spec.type === 'ec' ? { namedCurve: EC_CURVES[spec.bits]!.curve } : {};
      const { publicKey, privateKey } = generateWithJwk(spec.type, { ...namedCurve, publicKeyEncoding: { format: 'jwk' } });
      return { privateKey, publicKeyInfo: jwkPublicKeyInfo(publicKey) };
    }
    case 'rsa': {
      const { privateKey, publicKey } = await generateRsaKeyPair(spec.bits);
      return { privateKey, publicKeyInfo: publicKeyInfo(publicKey.export({ type: 'spki', format: 'der' })) };
    }
  }
}

/** The same pair as WebCrypto keys (extractable), for x509's CSR generator. */
export async function toCryptoKeyPair(pair: GeneratedKeyPair, spec: KeySpec): Promise<CryptoKeyPair> {
  const subtle = webcrypto.subtle;
  const algorithm = signingAlgorithm(spec);
  const [privateKey, publicKey] = await Promise.all([
    subtle.importKey('pkcs8', pair.privateKey.export({ type: 'pkcs8', format: 'der' }), algorithm, true, ['sign']),
    subtle.importKey('spki', publicKeyInfoDer(pair.publicKeyInfo), algorithm, true, ['verify']),
  ]);
  return { privateKey, publicKey };
}

/** PKCS#8 DER of a private key, base64, for storage (the barrier encrypts it). */
export function exportPkcs8(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'der' }).toString('base64');
}

/** The WebCrypto key of a stored PKCS#8 private key, for x509's CRL generator. */
export async function importPrivateKey(pkcs8: string, spec: KeySpec): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', Buffer.from(pkcs8, 'base64'), signingAlgorithm(spec), false, ['sign']);
}

/** The Node key object of a stored PKCS#8 private key, for {@link signWithKey}. */
export const importSigningKey = (pkcs8: string): KeyObject => createPrivateKey({ key: Buffer.from(pkcs8, 'base64'), format: 'der', type: 'pkcs8' });

/** The node:crypto digest a key of `spec` signs with: the one {@link signingAlgorithm} names; none for Ed25519. */
export function signatureDigest(spec: KeySpec): string | null {
  switch (spec.type) {
    case 'ec':
      return EC_CURVES[spec.bits]!.digest;
    case 'rsa':
      return 'sha256';
    case 'ed25519':
      return null;
  }
}

const signOnPool = promisify(sign);

/**
 * Signs `data` as {@link signingAlgorithm} describes: PKCS#1 v1.5 for RSA, ECDSA with a DER
 * Ecdsa-Sig-Value (what X.509 and OCSP carry, RFC 5758 §3.2), Ed25519. EC and Ed25519 sign in
 * place (≈ 30 µs, less than a trip through libuv's pool costs); RSA, up to milliseconds for
 * large keys, signs on the pool so it never stalls the event loop.
 */
export async function signWithKey(privateKey: KeyObject, spec: KeySpec, data: Uint8Array): Promise<Buffer> {
  const digest = signatureDigest(spec);
  return spec.type === 'rsa' ? signOnPool(digest, data, privateKey) : sign(digest, data, privateKey);
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
