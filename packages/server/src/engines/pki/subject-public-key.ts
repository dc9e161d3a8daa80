import { createHash, createPublicKey, type JsonWebKey } from 'node:crypto';
import { asn1X509, AsnConvert } from './x509.js';

/**
 * The SubjectPublicKeyInfo a certificate carries (RFC 5280 §4.1.2.7) and the key identifier
 * derived from it.
 *
 * For an EC or Ed25519 key generated here it is assembled from the JWK Node made of the key
 * while generating it (keys.ts says why not later): `export({ type: 'spki' })` goes through
 * OpenSSL's encoder framework, ≈ 140 µs for a P-256 key. The AlgorithmIdentifier, the same for
 * every key of a curve, is taken from Node's own SPKI of the first such key, and that key's
 * assembled SPKI is checked against Node's byte for byte.
 */

/** AlgorithmIdentifiers by curve (`EC:P-256`, `OKP:Ed25519`), from Node's SPKI encoding. */
const algorithms = new Map<string, asn1X509.AlgorithmIdentifier>();

/** A copy of `bytes` as its own ArrayBuffer, the form asn1-schema takes for a BIT STRING. */
const ownBuffer = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer;

/**
 * The subjectPublicKey BIT STRING contents of a public JWK: the uncompressed point (SEC 1
 * §2.3.3, as RFC 5480 §2.2 puts it) for EC, the raw key (RFC 8410 §4) for Ed25519.
 */
function jwkBits(jwk: JsonWebKey): Uint8Array {
  const part = (name: 'x' | 'y') => Buffer.from(jwk[name] ?? '', 'base64url');
  if (jwk.kty === 'EC') return Buffer.concat([Buffer.from([4]), part('x'), part('y')]);
  if (jwk.kty === 'OKP') return part('x');
  throw new TypeError(`no subject public key info for ${jwk.kty ?? 'unknown'} jwks`);
}

/** The SubjectPublicKeyInfo of SPKI DER (a CSR's key, an RSA key from the key generator). */
export const publicKeyInfo = (spkiDer: ArrayBuffer | Uint8Array): asn1X509.SubjectPublicKeyInfo =>
  AsnConvert.parse(spkiDer, asn1X509.SubjectPublicKeyInfo);

/**
 * The SubjectPublicKeyInfo of an EC or Ed25519 public JWK.
 * INVARIANT: the AlgorithmIdentifier objects are shared between certificates and never changed.
 */
export function jwkPublicKeyInfo(jwk: JsonWebKey): asn1X509.SubjectPublicKeyInfo {
  const bits = jwkBits(jwk);
  const kind = `${jwk.kty}:${jwk.crv ?? ''}`;
  let algorithm = algorithms.get(kind);
  if (algorithm === undefined) {
    // An imported key, so exporting it is safe (keys.ts, generateKeyPair).
    const der = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    const fromNode = publicKeyInfo(der);
    const assembled = new asn1X509.SubjectPublicKeyInfo({ algorithm: fromNode.algorithm, subjectPublicKey: ownBuffer(bits) });
    if (!Buffer.from(AsnConvert.serialize(assembled)).equals(der)) throw new Error(`assembled ${kind} public key info differs from node's`);
    algorithm = fromNode.algorithm;
    algorithms.set(kind, algorithm);
  }
  return new asn1X509.SubjectPublicKeyInfo({ algorithm, subjectPublicKey: ownBuffer(bits) });
}

/** SubjectPublicKeyInfo DER, as stored with a key and imported into WebCrypto. */
export const publicKeyInfoDer = (spki: asn1X509.SubjectPublicKeyInfo): Buffer => Buffer.from(AsnConvert.serialize(spki));

/**
 * The key identifier of an SPKI: SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280
 * §4.2.1.2, method 1), as @peculiar/x509 computes it.
 */
export const keyIdentifier = (spki: asn1X509.SubjectPublicKeyInfo): Buffer =>
  createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
