import { VaultError, invalidRequest } from '../../errors.js';
import type { FieldValues } from '../../framework/fields.js';
import type { StorageView } from '../../storage/storage-view.js';
import { deepFreeze } from '../../framework/record-cache.js';
import type { AlgorithmSigner } from './cert-signer.js';
import { parseKeyLengths, type KeyLengths } from './key-lengths.js';
import type { ParsedCache } from './parsed-cache.js';

/**
 * An SSH CA role as stored (https://developer.hashicorp.com/vault/api-docs/secret/ssh#create-role).
 * Only `key_type: ca` exists here: Vault's OTP and dynamic-key roles are not supported.
 */
export interface SshRole {
  key_type: 'ca';
  /** `*` allows any user; an empty list allows none (for CA roles, as Vault). */
  allowed_users: string[];
  default_user: string;
  allowed_domains: string[];
  allow_bare_domains: boolean;
  allow_subdomains: boolean;
  /** Empty allows none; `*` allows any. */
  allowed_extensions: string[];
  default_extensions: Record<string, string>;
  /** Empty allows any, as Vault's docs say. */
  allowed_critical_options: string[];
  default_critical_options: Record<string, string>;
  /** Seconds; 0 ⇒ the mount's default lease TTL. */
  ttl: number;
  /** Seconds; 0 ⇒ the mount's max lease TTL. */
  max_ttl: number;
  allow_user_certificates: boolean;
  allow_host_certificates: boolean;
  allow_user_key_ids: boolean;
  key_id_format: string;
  algorithm_signer: AlgorithmSigner;
  /** Seconds the validity window starts before "now", for clock skew. */
  not_before_duration: number;
  /** CVE-2024-7594: issuing a certificate with no principals (valid for everyone) must be opted into. */
  allow_empty_principals: boolean;
  allowed_user_key_lengths: KeyLengths;
}

/** The request fields of `roles/:name`; `name` is the path capture. */
export const roleFields = {
  name: { type: 'string', description: 'Name of the role.', required: true },
  // Required for writes; not declared `required` because reads and deletes share these fields.
  key_type: { type: 'string', description: 'Type of credentials: only `ca` is supported (required on write).' },
  allowed_users: { type: 'strings', description: 'Users (principals) user certificates may name; `*` allows any.', default: [] },
  default_user: { type: 'string', description: 'Principal used when a user-certificate request names none.', default: '' },
  allowed_domains: { type: 'strings', description: 'Domains host certificates may name; `*` allows any.', default: [] },
  allow_bare_domains: { type: 'bool', description: 'Allow host principals equal to an allowed domain.', default: false },
  allow_subdomains: { type: 'bool', description: 'Allow host principals under an allowed domain.', default: false },
  allowed_extensions: { type: 'strings', description: 'Extensions a request may ask for; `*` allows any, empty allows none.', default: [] },
  default_extensions: { type: 'kvpairs', description: 'Extensions given when the request asks for none.', default: {} },
  allowed_critical_options: { type: 'strings', description: 'Critical options a request may ask for; empty allows any.', default: [] },
  default_critical_options: { type: 'kvpairs', description: 'Critical options given when the request asks for none.', default: {} },
  ttl: { type: 'duration', description: 'Default certificate TTL; 0 uses the mount default.', default: 0 },
  max_ttl: { type: 'duration', description: 'Largest TTL a request may ask for; 0 uses the mount maximum.', default: 0 },
  allow_user_certificates: { type: 'bool', description: 'Allow signing user certificates.', default: false },
  allow_host_certificates: { type: 'bool', description: 'Allow signing host certificates.', default: false },
  allow_user_key_ids: { type: 'bool', description: 'Allow requests to set `key_id`.', default: false },
  key_id_format: {
    type: 'string',
    description: 'Key id template with {{token_display_name}}, {{role_name}} and {{public_key_hash}}.',
    default: '',
  },
  algorithm_signer: {
    type: 'string',
    description: 'Signature algorithm for RSA CAs: rsa-sha2-256 (default), rsa-sha2-512 or ssh-rsa (SHA-1).',
    default: 'default',
    allowed: ['', 'default', 'ssh-rsa', 'rsa-sha2-256', 'rsa-sha2-512'],
  },
  not_before_duration: { type: 'duration', description: 'How far before now certificates become valid.', default: 30 },
  allow_empty_principals: {
    type: 'bool',
    description: 'Allow certificates with no principals, valid for every user or host (CVE-2024-7594).',
    default: false,
  },
  allowed_user_key_lengths: {
    type: 'map',
    description: 'Key types (rsa, ec, ecdsa-sha2-nistp256, ed25519 …) and the sizes allowed to be signed.',
    default: {},
  },
} as const;

/** Builds a role from validated request fields; a 400 for what the fields' types cannot express. */
export function roleFromRequest(data: FieldValues<typeof roleFields>): SshRole {
  if (data.key_type === undefined) throw invalidRequest('missing required field `key_type`');
  if (data.key_type === 'otp' || data.key_type === 'dynamic') {
    throw invalidRequest(`key_type \`${data.key_type}\` is not supported: only \`ca\` roles exist here`);
  }
  if (data.key_type !== 'ca') throw invalidRequest(`\`key_type\` must be \`ca\`, got \`${data.key_type}\``);
  if (data.ttl !== 0 && data.max_ttl !== 0 && data.ttl > data.max_ttl) {
    throw invalidRequest('`ttl` must not be greater than `max_ttl`');
  }
  return {
    key_type: 'ca',
    allowed_users: clean(data.allowed_users),
    default_user: data.default_user,
    allowed_domains: clean(data.allowed_domains),
    allow_bare_domains: data.allow_bare_domains,
    allow_subdomains: data.allow_subdomains,
    allowed_extensions: clean(data.allowed_extensions),
    default_extensions: data.default_extensions,
    allowed_critical_options: clean(data.allowed_critical_options),
    default_critical_options: data.default_critical_options,
    ttl: data.ttl,
    max_ttl: data.max_ttl,
    allow_user_certificates: data.allow_user_certificates,
    allow_host_certificates: data.allow_host_certificates,
    allow_user_key_ids: data.allow_user_key_ids,
    key_id_format: data.key_id_format,
    algorithm_signer: toAlgorithmSigner(data.algorithm_signer),
    not_before_duration: data.not_before_duration,
    allow_empty_principals: data.allow_empty_principals,
    allowed_user_key_lengths: parseKeyLengths(data.allowed_user_key_lengths),
  };
}

/** The role as `GET roles/:name` returns it: lists as comma strings and TTLs in seconds, like Vault. */
export function roleToResponse(role: SshRole): Record<string, unknown> {
  return {
    ...role,
    allowed_users: role.allowed_users.join(','),
    allowed_domains: role.allowed_domains.join(','),
    allowed_extensions: role.allowed_extensions.join(','),
    allowed_critical_options: role.allowed_critical_options.join(','),
  };
}

function toAlgorithmSigner(value: string): AlgorithmSigner {
  if (value === 'ssh-rsa' || value === 'rsa-sha2-256' || value === 'rsa-sha2-512') return value;
  return 'default';
}

const clean = (list: string[]): string[] => [...new Set(list.map((s) => s.trim()).filter((s) => s !== ''))];

/**
 * Roles under `roles/` in the mount's view, read through the mount's parsed cache (every `sign`
 * needs its role; see parsed-cache.ts for coherence). A role handed out is shared and frozen.
 */
export class RoleStore {
  constructor(
    private readonly storage: StorageView,
    private readonly cache: ParsedCache<Readonly<SshRole>>,
  ) {}

  get(name: string): Promise<Readonly<SshRole> | undefined> {
    return this.cache.read(name, async () => {
      const role = await this.storage.getJson<SshRole>(`roles/${name}`);
      return role === undefined ? undefined : deepFreeze(role);
    });
  }

  /** The role, or a 400 naming it: Vault answers an unknown role on sign/issue with 400. */
  async require(name: string): Promise<Readonly<SshRole>> {
    const role = await this.get(name);
    if (role === undefined) throw invalidRequest(`unknown role: \`${name}\``);
    return role;
  }

  put(name: string, role: SshRole): Promise<void> {
    return this.cache.write(name, async () => {
      // What is cached is what a read would parse back, not the caller's object.
      const json = JSON.stringify(role);
      await this.storage.put(`roles/${name}`, encoder.encode(json));
      return { value: deepFreeze(JSON.parse(json) as SshRole), result: undefined };
    });
  }

  delete(name: string): Promise<void> {
    return this.cache.write(name, async () => {
      await this.storage.delete(`roles/${name}`);
      return { value: undefined, result: undefined };
    });
  }

  /** Role names; an empty list is a 404, as every Vault LIST. */
  async list(): Promise<string[]> {
    const keys = await this.storage.list('roles/');
    if (keys.length === 0) throw new VaultError('not_found', '');
    return keys;
  }
}

const encoder = new TextEncoder();
