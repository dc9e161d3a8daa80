import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../../framework/engine.js';
import { isPlainObject } from '../../framework/fields.js';
import { fetchJson } from './http-client.js';
import { keySourceOf, type JwtConfig } from './jwt-config.js';

/** The parts of an OpenID Provider's metadata we use (OpenID Connect Discovery 1.0 §3). */
export interface ProviderMetadata {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly tokenEndpointAuthMethods: readonly string[];
  readonly idTokenAlgs: readonly string[];
}

interface Candidate {
  readonly kid: string | undefined;
  readonly alg: string | undefined;
  readonly key: KeyObject;
}

/** A JWKS is refetched for an unknown `kid` at most this often (no refetch storm from forged tokens). */
const REFETCH_AFTER_MS = 10_000;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Fetches and checks the discovery document; the issuer must be the URL it was fetched for (§4.3). */
export async function fetchDiscovery(url: string, caPem: string): Promise<ProviderMetadata> {
  const base = url.replace(/\/+$/, '');
  const res = await fetchJson(`${base}/.well-known/openid-configuration`, { caPem });
  if (res.status !== 200 || !isPlainObject(res.json)) throw new Error(`discovery document answered status ${res.status}`);
  const d = res.json;
  const issuer = str(d['issuer']);
  if (issuer.replace(/\/+$/, '') !== base) throw new Error(`issuer did not match the issuer returned by provider, expected \`${url}\` got \`${issuer}\``);
  const jwksUri = str(d['jwks_uri']);
  if (jwksUri === '') throw new Error('discovery document has no jwks_uri');
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    issuer,
    jwksUri,
    authorizationEndpoint: str(d['authorization_endpoint']),
    tokenEndpoint: str(d['token_endpoint']),
    tokenEndpointAuthMethods: list(d['token_endpoint_auth_methods_supported']),
    idTokenAlgs: list(d['id_token_signing_alg_values_supported']),
  };
}

/** Public keys of a JWKS document (RFC 7517); keys meant only for encryption are skipped. */
export function parseJwks(doc: unknown): Candidate[] {
  if (!isPlainObject(doc) || !Array.isArray(doc['keys'])) throw new Error('invalid jwks document');
  const out: Candidate[] = [];
  for (const jwk of doc['keys']) {
    if (!isPlainObject(jwk) || jwk['use'] === 'enc') continue;
    try {
      // Only the public members: a JWKS that leaks `d` must still yield a public key.
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, ...pub } = jwk;
      if (jwk['kty'] === 'oct') continue;
      out.push({ kid: typeof jwk['kid'] === 'string' ? jwk['kid'] : undefined, alg: typeof jwk['alg'] === 'string' ? jwk['alg'] : undefined, key: createPublicKey({ key: pub as JsonWebKey, format: 'jwk' }) });
    } catch {
      // an unusable key is skipped, as other JWKS clients do
    }
  }
  return out;
}

export function parsePublicKeyPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.type !== 'public') throw new Error('not a public key');
  return key;
}

/**
 * The verification keys of one config: static PEMs, a JWKS URL, or the JWKS of a discovered
 * provider. Remote keys are cached; a token whose `kid` is not cached triggers one refetch
 * (keys rotate), at most every REFETCH_AFTER_MS.
 */
export class KeySet {
  private keys: Candidate[] | undefined;
  private fetchedAt = 0;
  private metadata: Promise<ProviderMetadata> | undefined;

  constructor(
    private readonly config: JwtConfig,
    private readonly clock: Clock,
  ) {}

  /** Discovery metadata (cached); throws when the config does not use discovery. */
  provider(): Promise<ProviderMetadata> {
    if (keySourceOf(this.config) !== 'discovery') return Promise.reject(new Error('no oidc discovery url configured'));
    this.metadata ??= fetchDiscovery(this.config.oidcDiscoveryUrl, this.config.oidcDiscoveryCaPem).catch((err: unknown) => {
      this.metadata = undefined;
      throw err;
    });
    return this.metadata;
  }

  /** Keys that may have signed a token with this header's `kid`. */
  async candidates(kid: string | undefined): Promise<KeyObject[]> {
    const source = keySourceOf(this.config);
    if (source === 'pubkeys') {
      this.keys ??= this.config.jwtValidationPubkeys.map((pem) => ({ kid: undefined, alg: undefined, key: parsePublicKeyPem(pem) }));
      return this.keys.map((c) => c.key);
    }
    const pick = () => (this.keys ?? []).filter((c) => kid === undefined || c.kid === undefined || c.kid === kid).map((c) => c.key);
    if (this.keys === undefined || (pick().length === 0 && this.clock.now() - this.fetchedAt >= REFETCH_AFTER_MS)) await this.refresh();
    return pick();
  }

  private async refresh(): Promise<void> {
    const source = keySourceOf(this.config);
    const url = source === 'discovery' ? (await this.provider()).jwksUri : this.config.jwksUrl;
    const caPem = source === 'discovery' ? this.config.oidcDiscoveryCaPem : this.config.jwksCaPem;
    this.fetchedAt = this.clock.now();
    const res = await fetchJson(url, { caPem });
    if (res.status !== 200) throw new Error(`jwks endpoint answered status ${res.status}`);
    this.keys = parseJwks(res.json);
  }
}
