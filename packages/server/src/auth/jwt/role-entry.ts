import type { StorageView } from '../../storage/storage-view.js';
import type { TokenSettings } from '../token-fields.js';

/** A JWT/OIDC role as stored under `role/<name>` (https://developer.hashicorp.com/vault/api-docs/auth/jwt#create-update-role). */
export interface JwtRole {
  roleType: 'jwt' | 'oidc';
  boundAudiences: string[];
  userClaim: string;
  userClaimJsonPointer: boolean;
  /** Seconds; 0 = the default, -1 = no leeway (Vault's TypeSignedDurationSecond). */
  clockSkewLeeway: number;
  expirationLeeway: number;
  notBeforeLeeway: number;
  boundSubject: string;
  boundClaims: Record<string, unknown>;
  boundClaimsType: 'string' | 'glob';
  groupsClaim: string;
  claimMappings: Record<string, string>;
  oidcScopes: string[];
  allowedRedirectUris: string[];
  verboseOidcLogging: boolean;
  maxAge: number;
  token: TokenSettings;
}

export const DEFAULT_CLOCK_SKEW_LEEWAY = 60;
export const DEFAULT_EXPIRATION_LEEWAY = 150;
export const DEFAULT_NOT_BEFORE_LEEWAY = 150;

/** The leeway a stored value means: the default for 0, none for a negative value. */
export const effectiveLeeway = (value: number, fallback: number) => (value === 0 ? fallback : value < 0 ? 0 : value);

const key = (name: string) => `role/${name}`;
export const readRole = (s: StorageView, name: string) => s.getJson<JwtRole>(key(name));
export const writeRole = (s: StorageView, name: string, role: JwtRole) => s.putJson(key(name), role);
export const deleteRole = (s: StorageView, name: string) => s.delete(key(name));
export const listRoles = async (s: StorageView) => (await s.list('role/')).filter((k) => !k.endsWith('/'));
