import { constants, verify, type KeyObject } from 'node:crypto';

/**
 * Compact JWS (RFC 7515) parsing and signature checks on Node's crypto: asymmetric algorithms of
 * RFC 7518 §3 and EdDSA (RFC 8037). `none` and the HMAC algorithms are never accepted: a JWT auth
 * mount holds no shared secret, and a public key must never double as an HMAC key.
 */
export const SUPPORTED_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwsAlg = (typeof SUPPORTED_ALGS)[number];

export const isSupportedAlg = (alg: string): alg is JwsAlg => (SUPPORTED_ALGS as readonly string[]).includes(alg);

export interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodePart(part: string, what: string): Record<string, unknown> {
  if (!B64URL.test(part)) throw new Error(`malformed ${what}`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new Error(`malformed ${what}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`malformed ${what}`);
  return value as Record<string, unknown>;
}

/** Splits and decodes a compact JWS; throws on anything malformed. Nothing here is trusted yet. */
export function decodeJws(token: string): DecodedJws {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error('malformed token: expected three segments');
  const [h, p, s] = parts as [string, string, string];
  if (!B64URL.test(s)) throw new Error('malformed signature');
  return {
    header: decodePart(h, 'header'),
    claims: decodePart(p, 'payload'),
    signingInput: Buffer.from(`${h}.${p}`, 'ascii'),
    signature: Buffer.from(s, 'base64url'),
  };
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
const CURVE: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** True when `key` is of the algorithm's family and verifies the signature. */
export function verifyJws(jws: DecodedJws, alg: JwsAlg, key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  try {
    switch (alg.slice(0, 2)) {
      case 'RS':
        return type === 'rsa' && verify(HASH[alg.slice(2)]!, jws.signingInput, { key, padding: constants.RSA_PKCS1_PADDING }, jws.signature);
      case 'PS':
        return (
          (type === 'rsa' || type === 'rsa-pss') &&
          verify(HASH[alg.slice(2)]!, jws.signingInput, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jws.signature)
        );
      case 'ES':
        return (
          type === 'ec' &&
          key.asymmetricKeyDetails?.namedCurve === CURVE[alg] &&
          verify(HASH[alg.slice(2)]!, jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature)
        );
      default: // EdDSA
        return (type === 'ed25519' || type === 'ed448') && verify(null, jws.signingInput, key, jws.signature);
    }
  } catch {
    return false;
  }
}
