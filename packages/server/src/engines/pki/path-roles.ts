import { definePath } from '../../framework/engine.js';
import { invalidRequest, VaultError } from '../../errors.js';
import { formatDuration } from '../../framework/duration.js';
import { resolveKeySpec } from './keys.js';
import { pkiResource, type PkiContext } from './pki-context.js';
import type { PkiStore } from './pki-store.js';
import { ROLE_DEFAULTS, type Role } from './role.js';
import { extKeyUsageOids, keyUsageFlags } from './usages.js';

/** `roles/:name` (read, write, delete) and `roles` LIST. Writes merge over the stored role. */

const roleFields = {
  name: { type: 'string', description: 'The role name.', required: true },
  issuer_ref: { type: 'string', description: 'The issuer that signs for this role.' },
  ttl: { type: 'duration', description: 'The default certificate lifetime.' },
  max_ttl: { type: 'duration', description: 'The longest certificate lifetime; longer requests are refused.' },
  allowed_domains: { type: 'strings', description: 'Domains this role may issue for.' },
  allow_subdomains: { type: 'bool', description: 'Allow subdomains of allowed_domains.' },
  allow_glob_domains: { type: 'bool', description: 'Treat allowed_domains entries with `*` as globs.' },
  allow_bare_domains: { type: 'bool', description: 'Allow allowed_domains entries themselves.' },
  allow_localhost: { type: 'bool', description: 'Allow `localhost`.' },
  allow_ip_sans: { type: 'bool', description: 'Allow IP subject alternative names.' },
  allow_any_name: { type: 'bool', description: 'Allow any name.' },
  allow_wildcard_certificates: { type: 'bool', description: 'Allow wildcard names such as `*.example.com`.' },
  enforce_hostnames: { type: 'bool', description: 'Only allow valid hostnames.' },
  allowed_uri_sans: { type: 'strings', description: 'Globs of URIs allowed as SANs.' },
  key_type: { type: 'string', description: 'ec, rsa, ed25519 or any (sign only).', allowed: ['ec', 'rsa', 'ed25519', 'any'] },
  key_bits: { type: 'int', description: 'The key size; 0 picks the type default.' },
  key_usage: { type: 'strings', description: 'Key usages, e.g. DigitalSignature, KeyEncipherment.' },
  ext_key_usage: { type: 'strings', description: 'Extended key usages, e.g. ServerAuth, ClientAuth, CodeSigning.' },
  ext_key_usage_oids: { type: 'strings', description: 'Extended key usages as OIDs.' },
  server_flag: { type: 'bool', description: 'Add the serverAuth extended key usage.' },
  client_flag: { type: 'bool', description: 'Add the clientAuth extended key usage.' },
  code_signing_flag: { type: 'bool', description: 'Add the codeSigning extended key usage.' },
  email_protection_flag: { type: 'bool', description: 'Add the emailProtection extended key usage.' },
  use_csr_common_name: { type: 'bool', description: 'sign: take the CN from the CSR.' },
  use_csr_sans: { type: 'bool', description: 'sign: take the SANs from the CSR.' },
  require_cn: { type: 'bool', description: 'Refuse requests without a common name.' },
  no_store: { type: 'bool', description: 'Do not store issued certificates (they cannot be revoked by serial).' },
  ou: { type: 'strings', description: 'OU values of issued subjects.' },
  organization: { type: 'strings', description: 'O values of issued subjects.' },
  country: { type: 'strings', description: 'C values of issued subjects.' },
  locality: { type: 'strings', description: 'L values of issued subjects.' },
  province: { type: 'strings', description: 'ST values of issued subjects.' },
} as const;

export const pathRoles = (ctx: PkiContext) =>
  definePath({
    pattern: 'roles/:name',
    fields: roleFields,
    authz: (req) => ({
      action: req.operation === 'read' ? 'read' : req.operation === 'delete' ? 'delete' : req.operation === 'create' ? 'create' : 'update',
      resource: pkiResource(req.mount, `roles/${req.data.name}`),
    }),
    exists: async (req) => (await ctx.store(req).role(req.data.name)) !== undefined,
    operations: {
      read: {
        summary: 'Read a role.',
        async handle(req) {
          const role = await ctx.store(req).role(req.data.name);
          if (!role) throw new VaultError('not_found', '');
          return { data: { ...structuredClone(role) } };
        },
      },
      create: { summary: 'Create a role.', handle: (req) => write(ctx.store(req), req.data) },
      update: { summary: 'Update a role.', handle: (req) => write(ctx.store(req), req.data) },
      delete: {
        summary: 'Delete a role.',
        async handle(req) {
          await ctx.store(req).deleteRole(req.data.name);
          return undefined;
        },
      },
    },
    help: {
      synopsis: 'Manage the roles that issue certificates.',
      description: 'A role decides which names, keys, lifetimes and usages issue/:role and sign/:role accept.',
    },
  });

type RoleInput = { name: string } & { [K in keyof Role]?: Role[K] | string | undefined };

async function write(store: PkiStore, input: RoleInput) {
  const current = (await store.role(input.name)) ?? ROLE_DEFAULTS;
  const next: Record<string, unknown> = { ...structuredClone(current) };
  for (const key of Object.keys(ROLE_DEFAULTS) as (keyof Role)[]) {
    if (input[key] !== undefined) next[key] = input[key];
  }
  const role = next as unknown as Role;
  validateRole(role);
  await store.putRole(input.name, role);
  return { data: { ...structuredClone(role) } };
}

/** Rejects a role that could never issue: bad key size, a ttl above max_ttl, unknown usages. */
function validateRole(role: Role): void {
  if (role.key_type !== 'any') resolveKeySpec(role.key_type, role.key_bits);
  if (role.max_ttl > 0 && role.ttl > role.max_ttl) {
    throw invalidRequest(`ttl of ${formatDuration(role.ttl)} is greater than max_ttl of ${formatDuration(role.max_ttl)}`);
  }
  keyUsageFlags(role.key_usage);
  extKeyUsageOids(role);
}

/** `roles` LIST. */
export const pathRolesList = (ctx: PkiContext) =>
  definePath({
    pattern: 'roles',
    fields: {},
    authz: (req) => ({ action: 'list', resource: pkiResource(req.mount, 'roles') }),
    operations: {
      list: {
        summary: 'List roles.',
        async handle(req) {
          const keys = await ctx.store(req).roleNames();
          if (keys.length === 0) throw new VaultError('not_found', '');
          return { data: { keys } };
        },
      },
    },
    help: { synopsis: 'List the roles of this mount.' },
  });
