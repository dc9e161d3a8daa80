import type sshpk from 'sshpk';
import { invalidRequest } from '../../errors.js';
import type { CertificateTemplate } from './cert-signer.js';
import { checkKeyLength } from './key-lengths.js';
import type { SshRole } from './role.js';
import { publicKeyHash } from './ssh-keys.js';

/**
 * Decides what a certificate may say: the role's rules applied to one sign/issue request. Every
 * refusal is a 400 with Vault's wording where Vault has one
 * (https://developer.hashicorp.com/vault/api-docs/secret/ssh#sign-ssh-key). Pure: no storage, no clock.
 */

/** What the caller asked for; `undefined` means the field was not given. */
export interface CertificateRequest {
  readonly roleName: string;
  readonly publicKey: sshpk.Key;
  readonly validPrincipals: readonly string[] | undefined;
  readonly certType: string;
  readonly ttl: number | undefined;
  readonly keyId: string | undefined;
  readonly criticalOptions: Readonly<Record<string, string>> | undefined;
  readonly extensions: Readonly<Record<string, string>> | undefined;
  /** The token's display name; undefined without a token (tier-1 tests). */
  readonly displayName: string | undefined;
}

/** The mount's TTLs in seconds, already resolved to the system defaults when the mount has none. */
export interface TtlLimits {
  readonly defaultTtl: number;
  readonly maxTtl: number;
}

/** Vault's system default and maximum lease TTL: 32 days. */
export const SYSTEM_MAX_TTL = 768 * 3600;

/** Applies `role` to `req` at `nowMs`; the result lacks only the serial. */
export function resolveCertificate(
  role: SshRole,
  req: CertificateRequest,
  limits: TtlLimits,
  nowMs: number,
): Omit<CertificateTemplate, 'serial'> {
  checkKeyLength(role.allowed_user_key_lengths, req.publicKey);
  const certType = certificateType(role, req.certType);
  const principals = certType === 'user' ? userPrincipals(role, req.validPrincipals) : hostPrincipals(role, req.validPrincipals);
  const ttl = certificateTtl(role, req.ttl, limits);
  const now = Math.floor(nowMs / 1000);
  return {
    subjectKey: req.publicKey,
    certType,
    keyId: keyId(role, req),
    principals,
    validAfter: now - role.not_before_duration,
    validBefore: now + ttl,
    criticalOptions: criticalOptions(role, req.criticalOptions),
    extensions: extensions(role, req.extensions),
  };
}

function certificateType(role: SshRole, requested: string): 'user' | 'host' {
  if (requested === 'user') {
    if (!role.allow_user_certificates) throw invalidRequest("cert_type 'user' is not allowed by role");
    return 'user';
  }
  if (requested === 'host') {
    if (!role.allow_host_certificates) throw invalidRequest("cert_type 'host' is not allowed by role");
    return 'host';
  }
  throw invalidRequest("cert_type must be either 'user' or 'host'");
}

function userPrincipals(role: SshRole, requested: readonly string[] | undefined): string[] {
  // Vault falls back to default_user only when valid_principals is absent, not when it is "".
  const asked = requested ?? (role.default_user === '' ? [] : [role.default_user]);
  return checkPrincipals(role, asked, role.allowed_users, (p) => role.allowed_users.includes(p));
}

function hostPrincipals(role: SshRole, requested: readonly string[] | undefined): string[] {
  const allowed = (p: string) =>
    role.allowed_domains.some(
      (d) => (role.allow_bare_domains && p === d) || (role.allow_subdomains && p.endsWith(`.${d}`) && p.length > d.length + 1),
    );
  return checkPrincipals(role, requested ?? [], role.allowed_domains, allowed);
}

function checkPrincipals(
  role: SshRole,
  asked: readonly string[],
  allowedByRole: readonly string[],
  isAllowed: (principal: string) => boolean,
): string[] {
  const principals = [...new Set(asked.map((p) => p.trim()).filter((p) => p !== ''))];
  if (principals.length === 0) {
    // INVARIANT: no principals means "valid for everyone" to OpenSSH; never without the opt-in (CVE-2024-7594).
    if (!role.allow_empty_principals) {
      throw invalidRequest(
        'refusing to issue unsafe, globally-valid certificate with no principals specified; set valid_principals or default_user',
      );
    }
    return [];
  }
  if (allowedByRole.length === 0) throw invalidRequest('role is not configured to allow any principals');
  if (allowedByRole.includes('*')) return principals;
  for (const p of principals) {
    if (!isAllowed(p)) throw invalidRequest(`\`${p}\` is not a valid value for valid_principals`);
  }
  return principals;
}

function certificateTtl(role: SshRole, requested: number | undefined, limits: TtlLimits): number {
  const maxTtl = role.max_ttl !== 0 ? role.max_ttl : limits.maxTtl;
  const ttl = (requested ?? 0) !== 0 ? (requested ?? 0) : role.ttl !== 0 ? role.ttl : limits.defaultTtl;
  if (ttl <= maxTtl) return ttl;
  // As Vault: an explicit request above the maximum is refused; defaults are capped silently.
  if (requested !== undefined && requested !== 0) throw invalidRequest(`ttl is larger than maximum allowed (${maxTtl})`);
  return maxTtl;
}

function keyId(role: SshRole, req: CertificateRequest): string {
  if (req.keyId !== undefined && req.keyId !== '') {
    if (!role.allow_user_key_ids) throw invalidRequest('setting `key_id` is not allowed by role');
    return req.keyId;
  }
  const display = req.displayName ?? '';
  const format =
    role.key_id_format !== ''
      ? role.key_id_format
      : display === ''
        ? 'vault-{{public_key_hash}}'
        : 'vault-{{token_display_name}}-{{public_key_hash}}';
  const values: Record<string, string> = {
    token_display_name: display,
    role_name: req.roleName,
    public_key_hash: publicKeyHash(req.publicKey),
  };
  return format.replace(/\{\{(token_display_name|role_name|public_key_hash)\}\}/g, (_, name: string) => values[name] ?? '');
}

function criticalOptions(role: SshRole, requested: Readonly<Record<string, string>> | undefined): Record<string, string> {
  if (requested === undefined || Object.keys(requested).length === 0) return { ...role.default_critical_options };
  // An empty allow-list allows any critical option, as Vault's docs say.
  if (role.allowed_critical_options.length > 0) {
    const denied = Object.keys(requested).filter((o) => !role.allowed_critical_options.includes(o));
    if (denied.length > 0) throw invalidRequest(`critical options not on allowed list: ${denied.sort().join(', ')}`);
  }
  return { ...requested };
}

function extensions(role: SshRole, requested: Readonly<Record<string, string>> | undefined): Record<string, string> {
  if (requested === undefined || Object.keys(requested).length === 0) return { ...role.default_extensions };
  // Unlike critical options, an empty allow-list allows no extension; `*` allows any.
  if (!role.allowed_extensions.includes('*')) {
    const denied = Object.keys(requested).filter((e) => !role.allowed_extensions.includes(e));
    if (denied.length > 0) throw invalidRequest(`extensions not on allowed list: ${denied.sort().join(', ')}`);
  }
  return { ...requested };
}
