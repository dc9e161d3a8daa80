import { invalidRequest } from '../../errors.js';
import { definePath, type EngineRequest, type EngineResponse, type PathSpec } from '../../framework/engine.js';
import type { FieldValues } from '../../framework/fields.js';
import type { TokenType } from '../../framework/token-type.js';
import { callerEntry, requireAuth, tokenResource } from './path-common.js';
import { sanitizePolicies, type CreateTokenParams, type TokenEntry } from './token-entry.js';
import { authIssueFor } from './token-response.js';
import { readRole, type TokenRole } from './token-role.js';
import type { TokenStore } from './token-store.js';

/** Policies no token may be given: they belong to internal tokens (response wrapping). */
const NON_ASSIGNABLE = ['response-wrapping', 'control-group'];

const createFields = {
  id: { type: 'string', description: 'Custom token id (root only; no `.`).', sensitive: true },
  policies: { type: 'strings', description: 'Policies of the token; a subset of the caller\'s unless root. Default: the caller\'s.' },
  meta: { type: 'kvpairs', description: 'Metadata, passed to audit devices.' },
  no_parent: { type: 'bool', description: 'Create an orphan token (root only).' },
  no_default_policy: { type: 'bool', description: 'Do not add the `default` policy.' },
  renewable: { type: 'bool', description: 'Whether the token can be renewed (default true).' },
  lease: { type: 'duration', description: 'Deprecated: use `ttl`.' },
  ttl: { type: 'duration', description: 'TTL of the token; default 768h (root-policy tokens: none).' },
  type: { type: 'string', description: 'Token type: `service` or `batch`; default: the role\'s, else `service`.' },
  explicit_max_ttl: { type: 'duration', description: 'Hard lifetime limit; renewals never pass it.' },
  display_name: { type: 'string', description: 'Display name; stored as `token-<name>`.' },
  num_uses: { type: 'int', description: 'Number of uses (0 = unlimited).' },
  period: { type: 'duration', description: 'Makes the token periodic (root only).' },
  entity_alias: { type: 'string', description: 'Not supported.' },
} as const;

type CreateData = FieldValues<typeof createFields>;
type Mode = { kind: 'create' } | { kind: 'orphan' } | { kind: 'role'; roleName: string };

/** `auth/token/create`, `create-orphan`, `create/:role_name` (Vault token API, "Create Token"). */
export function createPaths(store: TokenStore): readonly PathSpec[] {
  const create = definePath({
    pattern: 'create',
    fields: createFields,
    help: { synopsis: 'Create a child token of the calling token.' },
    authz: (req) => ({ action: 'create', resource: tokenResource(req, 'create') }),
    operations: {
      update: { summary: 'Create a token.', handle: (req) => createToken(store, req, req.data, { kind: 'create' }) },
    },
  });
  const orphan = definePath({
    pattern: 'create-orphan',
    fields: createFields,
    help: { synopsis: 'Create a token with no parent; access is controlled by policy, not by root.' },
    authz: (req) => ({ action: 'create', resource: tokenResource(req, 'create-orphan') }),
    operations: {
      update: { summary: 'Create an orphan token.', handle: (req) => createToken(store, req, req.data, { kind: 'orphan' }) },
    },
  });
  const role = definePath({
    pattern: 'create/:role_name',
    fields: { ...createFields, role_name: { type: 'string', description: 'Token role to create against.', required: true } },
    help: { synopsis: 'Create a token against a token role, whose settings override the request.' },
    authz: (req) => ({ action: 'create', resource: tokenResource(req, `create/${req.data.role_name}`) }),
    operations: {
      update: {
        summary: 'Create a token against a role.',
        handle: (req) => createToken(store, req, req.data, { kind: 'role', roleName: req.data.role_name }),
      },
    },
  });
  return [create, orphan, role];
}

async function createToken(store: TokenStore, req: EngineRequest<unknown>, d: CreateData, mode: Mode): Promise<EngineResponse> {
  const auth = requireAuth(req);
  const parent = await callerEntry(store, req);
  if (!parent) throw invalidRequest('parent token lookup failed: no parent found');
  if (parent.type === 'batch') throw invalidRequest('batch tokens cannot create more tokens');
  // A limited-use token could otherwise escape its limit through children.
  if (parent.numUses > 0 || parent.exhausted) throw invalidRequest('restricted use token cannot generate child tokens');
  // Until Cedar can answer "sudo on this path", root is what grants the privileged options.
  const isSudo = auth.isRoot;

  let role: TokenRole | undefined;
  if (mode.kind === 'role') {
    role = await readRole(req.storage, mode.roleName);
    if (!role) throw invalidRequest(`unknown role \`${mode.roleName}\``);
  }
  const type = tokenType(d, role);
  if (d.entity_alias !== undefined && d.entity_alias !== '') throw invalidRequest('`entity_alias` is not supported');

  const params: CreateTokenParams = {
    policies: tokenPolicies(parent, d, role, isSudo),
    // The final policy set is computed above, `default` included or not.
    noDefaultPolicy: true,
    meta: d.meta ?? {},
    displayName: displayName(d.display_name),
    path: creationPath(mode, role),
    renewable: type === 'service' && (d.renewable ?? true) && (role?.renewable ?? true),
    ttl: d.ttl ?? d.lease ?? 0,
    type,
  };

  if (d.id !== undefined && d.id !== '') {
    if (!isSudo) throw invalidRequest('root or sudo privileges required to specify token id');
    if (d.id.includes('.')) throw invalidRequest('token ids cannot contain a period');
    params.id = d.id;
  }

  let orphan = false;
  if (role) orphan = role.orphan;
  else if (d.no_parent) {
    if (!isSudo) throw invalidRequest('root or sudo privileges required to create orphan token');
    orphan = true;
  } else orphan = mode.kind === 'orphan';
  if (!orphan) {
    params.parentHash = parent.hash;
    params.entityId = parent.entityId;
  }

  const warnings: string[] = [];
  let explicitMaxTtl = d.explicit_max_ttl ?? 0;
  let period = d.period ?? 0;
  if (period > 0 && !isSudo) throw invalidRequest('root or sudo privileges required to create periodic token');
  let numUses = d.num_uses ?? 0;
  if (numUses < 0) throw invalidRequest('number of uses cannot be negative');
  if (role) {
    params.role = role.name;
    // A default-batch role's explicit max and period are not merged into a batch token (Vault
    // does the same); its use limit is, so the store refuses it rather than drop it silently.
    if (role.explicitMaxTtl > 0 && type === 'service') {
      if (explicitMaxTtl > 0) warnings.push(`explicit max ttl given both in the request and the role; using the lesser`);
      explicitMaxTtl = explicitMaxTtl > 0 ? Math.min(explicitMaxTtl, role.explicitMaxTtl) : role.explicitMaxTtl;
    }
    if (role.period > 0 && type === 'service') {
      if (period > 0) warnings.push(`period given both in the request and the role; using the lesser`);
      period = period > 0 ? Math.min(period, role.period) : role.period;
    }
    if (role.numUses > 0) numUses = numUses > 0 ? Math.min(numUses, role.numUses) : role.numUses;
  }
  params.explicitMaxTtl = explicitMaxTtl;
  params.period = period;
  params.numUses = numUses;

  const created = await store.create(params);
  warnings.push(...created.warnings);
  const response: EngineResponse = { auth: authIssueFor(created.token, created.entry) };
  if (warnings.length > 0) response.warnings = warnings;
  return response;
}

/**
 * The new token's type: the request's `type` unless the role forces one, `default-batch` roles
 * falling back to batch (Vault's token store, handleCreateCommon). A batch token refuses what it
 * cannot have, naming the request field as Vault does.
 */
function tokenType(d: CreateData, role: TokenRole | undefined): TokenType {
  let wanted = d.type ?? '';
  if (role?.tokenType === 'service' || role?.tokenType === 'batch') wanted = role.tokenType;
  else if (role?.tokenType === 'default-batch' && wanted === '') wanted = 'batch';
  if (wanted === '' || wanted === 'service') return 'service';
  if (wanted !== 'batch') throw invalidRequest(`invalid \`type\` value \`${wanted}\``);
  if ((d.explicit_max_ttl ?? 0) !== 0) throw invalidRequest('batch tokens cannot have `explicit_max_ttl` set');
  if ((d.num_uses ?? 0) !== 0) throw invalidRequest('batch tokens cannot have `num_uses` set');
  if ((d.period ?? 0) !== 0) throw invalidRequest('batch tokens cannot have `period` set');
  return 'batch';
}

/** The new token's policies, following Vault's rules for parents, roles and `default`. */
function tokenPolicies(parent: TokenEntry, d: CreateData, role: TokenRole | undefined, isSudo: boolean): string[] {
  const noDefault = (d.no_default_policy ?? false) || (role?.noDefaultPolicy ?? false);
  const requested = d.policies ?? [];
  let policies: string[];
  if (role && (role.allowedPolicies.length > 0 || role.disallowedPolicies.length > 0)) {
    // Roles with policy lists replace the parent-subset rule with their own.
    const addDefault = !noDefault && !role.disallowedPolicies.includes('default');
    policies = requested.length > 0 ? sanitizePolicies(requested, addDefault) : [];
    if (role.allowedPolicies.length > 0) {
      const allowed = sanitizePolicies(role.allowedPolicies, addDefault);
      if (policies.length === 0) policies = allowed;
      else if (!policies.every((p) => allowed.includes(p))) {
        throw invalidRequest("token policies must be a subset of the role's allowed policies");
      }
    } else if (policies.length === 0) {
      policies = sanitizePolicies(parent.policies, addDefault);
    }
    const denied = policies.find((p) => role.disallowedPolicies.includes(p));
    if (denied !== undefined) throw invalidRequest(`token policy \`${denied}\` is disallowed by this role`);
  } else if (requested.length === 0) {
    // Inherit the parent's policies; `default` only if the parent has it.
    policies = sanitizePolicies(parent.policies, false);
  } else if (!isSudo) {
    const parentSet = sanitizePolicies(parent.policies, false).filter((p) => p !== 'default');
    const wanted = sanitizePolicies(requested, false).filter((p) => p !== 'default');
    if (!wanted.every((p) => parentSet.includes(p))) throw invalidRequest('child policies must be subset of parent');
    policies = sanitizePolicies(requested, !noDefault && parent.policies.includes('default'));
  } else {
    policies = sanitizePolicies(requested, !noDefault);
  }
  if (noDefault) policies = policies.filter((p) => p !== 'default');

  const internal = policies.find((p) => NON_ASSIGNABLE.includes(p));
  if (internal !== undefined) throw invalidRequest(`cannot assign policy \`${internal}\``);
  if (policies.includes('root') && !parent.policies.includes('root')) {
    throw invalidRequest('root tokens may not be created without parent token being root');
  }
  return policies;
}

/** Vault stores `token-<name>` with runs of other characters than [A-Za-z0-9-] as `-`. */
function displayName(name: string | undefined): string {
  if (name === undefined || name === '') return 'token';
  return `token-${name}`.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/-+$/, '');
}

function creationPath(mode: Mode, role: TokenRole | undefined): string {
  const base = mode.kind === 'role' ? `auth/token/create/${mode.roleName}` : `auth/token/${mode.kind === 'orphan' ? 'create-orphan' : 'create'}`;
  return role && role.pathSuffix !== '' ? `${base}/${role.pathSuffix}` : base;
}
