/**
 * An issuance role (Vault's `pki/roles/:name`): which names a certificate may carry, which key
 * it may have, how long it may live and what it may be used for. Stored at `roles/<name>`
 * through PkiStore (cached, so a role as read is frozen).
 */
export interface Role {
  issuer_ref: string;
  ttl: number;
  max_ttl: number;
  allowed_domains: string[];
  allow_subdomains: boolean;
  allow_glob_domains: boolean;
  allow_bare_domains: boolean;
  allow_localhost: boolean;
  allow_ip_sans: boolean;
  allow_any_name: boolean;
  allow_wildcard_certificates: boolean;
  enforce_hostnames: boolean;
  allowed_uri_sans: string[];
  key_type: 'ec' | 'rsa' | 'ed25519' | 'any';
  key_bits: number;
  key_usage: string[];
  ext_key_usage: string[];
  ext_key_usage_oids: string[];
  server_flag: boolean;
  client_flag: boolean;
  code_signing_flag: boolean;
  email_protection_flag: boolean;
  use_csr_common_name: boolean;
  use_csr_sans: boolean;
  require_cn: boolean;
  no_store: boolean;
  ou: string[];
  organization: string[];
  country: string[];
  locality: string[];
  province: string[];
}

/**
 * Defaults as Vault's, except `key_type`: SecretumVault defaults to EC P-256 (fast to generate)
 * where Vault defaults to RSA 2048.
 */
export const ROLE_DEFAULTS: Role = {
  issuer_ref: 'default',
  ttl: 0,
  max_ttl: 0,
  allowed_domains: [],
  allow_subdomains: false,
  allow_glob_domains: false,
  allow_bare_domains: false,
  allow_localhost: true,
  allow_ip_sans: true,
  allow_any_name: false,
  allow_wildcard_certificates: true,
  enforce_hostnames: true,
  allowed_uri_sans: [],
  key_type: 'ec',
  key_bits: 0,
  key_usage: ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'],
  ext_key_usage: [],
  ext_key_usage_oids: [],
  server_flag: true,
  client_flag: true,
  code_signing_flag: false,
  email_protection_flag: false,
  use_csr_common_name: true,
  use_csr_sans: true,
  require_cn: true,
  no_store: false,
  ou: [],
  organization: [],
  country: [],
  locality: [],
  province: [],
};

/**
 * The role `sign-verbatim` uses when none is named: any name, any key, the CSR's values
 * (Vault's behaviour for `sign-verbatim` without a role).
 */
export const VERBATIM_ROLE: Role = {
  ...ROLE_DEFAULTS,
  allow_any_name: true,
  enforce_hostnames: false,
  allow_localhost: true,
  allowed_uri_sans: ['*'],
  key_type: 'any',
  require_cn: false,
};
