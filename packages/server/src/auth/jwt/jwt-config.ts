import type { StorageView } from '../../storage/storage-view.js';

/** The mount's `config` as stored (https://developer.hashicorp.com/vault/api-docs/auth/jwt#configure). */
export interface JwtConfig {
  oidcDiscoveryUrl: string;
  oidcDiscoveryCaPem: string;
  oidcClientId: string;
  /** Never returned by a read. */
  oidcClientSecret: string;
  oidcResponseMode: string;
  oidcResponseTypes: string[];
  jwksUrl: string;
  jwksCaPem: string;
  jwtValidationPubkeys: string[];
  boundIssuer: string;
  jwtSupportedAlgs: string[];
  defaultRole: string;
  namespaceInState: boolean;
}

export const readJwtConfig = (s: StorageView) => s.getJson<JwtConfig>('config');
export const writeJwtConfig = (s: StorageView, c: JwtConfig) => s.putJson('config', c);

/** Which key source a config uses. */
export type KeySourceKind = 'discovery' | 'jwks' | 'pubkeys';

export function keySourceOf(c: JwtConfig): KeySourceKind {
  if (c.oidcDiscoveryUrl !== '') return 'discovery';
  if (c.jwksUrl !== '') return 'jwks';
  return 'pubkeys';
}

/** True when the config can run the OIDC authorization code flow. */
export const isOidcConfig = (c: JwtConfig) => c.oidcDiscoveryUrl !== '' && c.oidcClientId !== '';
