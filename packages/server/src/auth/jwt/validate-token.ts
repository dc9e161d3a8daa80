import { decodeJws, isSupportedAlg, SUPPORTED_ALGS, verifyJws } from './jws.js';
import type { KeySet } from './key-set.js';

/** What a token must satisfy besides its signature (RFC 7519 §4.1). Times in seconds. */
export interface Expectations {
  /** Allowed `alg` values; empty = every supported asymmetric algorithm. */
  readonly algs: readonly string[];
  /** Required `iss`; '' = any. */
  readonly issuer: string;
  /** At least one must be in `aud` when non-empty. */
  readonly boundAudiences: readonly string[];
  /** JWT roles: an `aud` claim with no audience bound to the role is an error (as in Vault). */
  readonly refuseUnboundAudience: boolean;
  /** OIDC: the client id, which `aud` must contain. */
  readonly clientId?: string;
  /** Required `sub`; '' = any. */
  readonly subject: string;
  readonly clockSkewLeeway: number;
  readonly expirationLeeway: number;
  readonly notBeforeLeeway: number;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

const audiences = (aud: unknown): string[] =>
  typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];

const numeric = (claims: Record<string, unknown>, name: string): number | undefined => {
  const v = claims[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`invalid \`${name}\` claim: not a number`);
  return v;
};

/**
 * Verifies a compact JWS and its registered claims; returns the claims. Throws an Error whose
 * message explains the refusal (the caller prefixes Vault's "error validating token: ").
 *
 * INVARIANT: the algorithm comes from the allow-list, never from trusting the header alone, and
 * `none`/HMAC are not in any list, so an unsigned or HMAC-forged token cannot pass.
 */
export async function validateToken(token: string, keys: KeySet, e: Expectations): Promise<Record<string, unknown>> {
  const jws = decodeJws(token);
  const alg = jws.header['alg'];
  const allowed = e.algs.length > 0 ? e.algs : SUPPORTED_ALGS;
  if (typeof alg !== 'string' || !isSupportedAlg(alg) || !allowed.includes(alg)) {
    throw new Error(`unsupported signing algorithm \`${String(alg)}\``);
  }
  if (jws.header['crit'] !== undefined) throw new Error('unsupported critical header parameters');
  const kid = typeof jws.header['kid'] === 'string' ? jws.header['kid'] : undefined;
  const candidates = await keys.candidates(kid);
  if (!candidates.some((key) => verifyJws(jws, alg, key))) throw new Error('failed to verify signature');

  const c = jws.claims;
  if (e.issuer !== '' && c['iss'] !== e.issuer) throw new Error('invalid issuer (iss) claim');
  if (e.subject !== '' && c['sub'] !== e.subject) throw new Error('invalid subject (sub) claim');
  const aud = audiences(c['aud']);
  if (e.clientId !== undefined && !aud.includes(e.clientId)) throw new Error('invalid audience (aud) claim: the client id is not an audience');
  if (e.boundAudiences.length > 0 && !e.boundAudiences.some((b) => aud.includes(b))) {
    throw new Error('invalid audience (aud) claim: audience claim does not match any expected audience');
  }
  if (e.boundAudiences.length === 0 && e.refuseUnboundAudience && aud.length > 0) {
    throw new Error('audience claim found in JWT but no audiences bound to the role');
  }

  const now = e.now / 1000;
  const exp = numeric(c, 'exp');
  const nbf = numeric(c, 'nbf');
  const iat = numeric(c, 'iat');
  // A token without `exp` never expires; we refuse it (Vault's library accepts one with `nbf`).
  if (exp === undefined) throw new Error('invalid expiration time (exp) claim: missing');
  if (now > exp + e.expirationLeeway + e.clockSkewLeeway) throw new Error('invalid expiration time (exp) claim: token is expired');
  if (nbf !== undefined && now < nbf - e.notBeforeLeeway - e.clockSkewLeeway) throw new Error('invalid not before (nbf) claim: token not yet valid');
  if (iat !== undefined && iat > now + e.clockSkewLeeway) throw new Error('invalid issued at (iat) claim: token issued in the future');
  return c;
}
