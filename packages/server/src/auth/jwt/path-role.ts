import { invalidRequest, VaultError } from '../../errors.js';
import { definePath, type EngineRequest, type PathSpec } from '../../framework/engine.js';
import type { FieldValues } from '../../framework/fields.js';
import { parseDuration } from '../../framework/duration.js';
import { applyTokenFields, defaultTokenSettings, tokenFields, tokenSettingsData } from '../token-fields.js';
import { normaliseList } from './claims.js';
import {
  DEFAULT_CLOCK_SKEW_LEEWAY,
  DEFAULT_EXPIRATION_LEEWAY,
  DEFAULT_NOT_BEFORE_LEEWAY,
  deleteRole,
  listRoles,
  readRole,
  writeRole,
  type JwtRole,
} from './role-entry.js';

const roleFields = {
  name: { type: 'string', description: 'Name of the role.', required: true },
  role_type: { type: 'string', description: '`oidc` (default) or `jwt`.', allowed: ['oidc', 'jwt', ''] },
  bound_audiences: { type: 'strings', description: 'Accepted `aud` values.' },
  user_claim: { type: 'string', description: 'Claim naming the user: the alias name and `User::` principal.' },
  user_claim_json_pointer: { type: 'bool', description: 'Read `user_claim` as a JSON pointer.' },
  clock_skew_leeway: { type: 'any', description: 'Leeway for all time claims; 0 = 60s, -1 = none.' },
  expiration_leeway: { type: 'any', description: 'Leeway for `exp`; 0 = 150s, -1 = none.' },
  not_before_leeway: { type: 'any', description: 'Leeway for `nbf`; 0 = 150s, -1 = none.' },
  bound_subject: { type: 'string', description: 'Required `sub` value.' },
  bound_claims: { type: 'map', description: 'Claims (or JSON pointers) and the values one of which each must have.' },
  bound_claims_type: { type: 'string', description: '`string` (default) or `glob`.', allowed: ['string', 'glob'] },
  groups_claim: { type: 'string', description: 'Claim (or JSON pointer) holding group names.' },
  claim_mappings: { type: 'kvpairs', description: 'Claim → metadata key.' },
  oidc_scopes: { type: 'strings', description: 'Scopes requested besides `openid`.' },
  allowed_redirect_uris: { type: 'strings', description: 'Redirect URIs the OIDC flow may use.' },
  verbose_oidc_logging: { type: 'bool', description: 'Accepted for compatibility; tokens are never logged.' },
  max_age: { type: 'duration', description: 'OIDC `max_age`: the longest time since the user last authenticated.' },
  ...tokenFields,
} as const;

/** Vault puts the role name in the alias metadata under `role`. */
const RESERVED_METADATA = ['role'];
const ROLE_NAME = /^[\w.@-]+$/;

const notFound = () => new VaultError('not_found', '');
const resource = (req: EngineRequest<{ name: string }>) => `${req.mount.path}role/${req.data.name}`;

function leeway(name: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const seconds = typeof raw === 'number' || typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (seconds === undefined || seconds < -1) throw invalidRequest(`field \`${name}\` has an invalid value: expected a duration, 0 or -1`);
  return seconds;
}

export function roleData(r: JwtRole): Record<string, unknown> {
  return {
    role_type: r.roleType,
    bound_audiences: [...r.boundAudiences],
    user_claim: r.userClaim,
    user_claim_json_pointer: r.userClaimJsonPointer,
    clock_skew_leeway: r.clockSkewLeeway,
    expiration_leeway: r.expirationLeeway,
    not_before_leeway: r.notBeforeLeeway,
    bound_subject: r.boundSubject,
    bound_claims: Object.keys(r.boundClaims).length === 0 ? null : r.boundClaims,
    bound_claims_type: r.boundClaimsType,
    groups_claim: r.groupsClaim,
    claim_mappings: Object.keys(r.claimMappings).length === 0 ? null : r.claimMappings,
    oidc_scopes: [...r.oidcScopes],
    allowed_redirect_uris: [...r.allowedRedirectUris],
    verbose_oidc_logging: r.verboseOidcLogging,
    max_age: r.maxAge,
    ...tokenSettingsData(r.token),
  };
}

async function write(req: EngineRequest<FieldValues<typeof roleFields>>): Promise<undefined> {
  const d = req.data;
  if (!ROLE_NAME.test(d.name)) throw invalidRequest(`invalid role name \`${d.name}\``);
  const current = await readRole(req.storage, d.name);
  const r: JwtRole = current ?? {
    roleType: 'oidc',
    boundAudiences: [],
    userClaim: '',
    userClaimJsonPointer: false,
    clockSkewLeeway: DEFAULT_CLOCK_SKEW_LEEWAY,
    expirationLeeway: DEFAULT_EXPIRATION_LEEWAY,
    notBeforeLeeway: DEFAULT_NOT_BEFORE_LEEWAY,
    boundSubject: '',
    boundClaims: {},
    boundClaimsType: 'string',
    groupsClaim: '',
    claimMappings: {},
    oidcScopes: [],
    allowedRedirectUris: [],
    verboseOidcLogging: false,
    maxAge: 0,
    token: defaultTokenSettings(),
  };
  if (d.role_type !== undefined && d.role_type !== '') r.roleType = d.role_type as JwtRole['roleType'];
  if (d.bound_audiences !== undefined) r.boundAudiences = d.bound_audiences.filter((a) => a !== '');
  if (d.user_claim !== undefined) r.userClaim = d.user_claim;
  if (d.user_claim_json_pointer !== undefined) r.userClaimJsonPointer = d.user_claim_json_pointer;
  r.clockSkewLeeway = leeway('clock_skew_leeway', d.clock_skew_leeway) ?? r.clockSkewLeeway;
  r.expirationLeeway = leeway('expiration_leeway', d.expiration_leeway) ?? r.expirationLeeway;
  r.notBeforeLeeway = leeway('not_before_leeway', d.not_before_leeway) ?? r.notBeforeLeeway;
  if (d.bound_subject !== undefined) r.boundSubject = d.bound_subject;
  if (d.bound_claims_type !== undefined) r.boundClaimsType = d.bound_claims_type as JwtRole['boundClaimsType'];
  if (d.bound_claims !== undefined) r.boundClaims = d.bound_claims;
  for (const [claim, values] of Object.entries(r.boundClaims)) {
    const list = normaliseList(values);
    if (list === undefined) throw invalidRequest(`bound claim \`${claim}\` is not a string, number, bool or list`);
    if (r.boundClaimsType === 'glob' && list.some((v) => typeof v !== 'string')) throw invalidRequest(`bound claim \`${claim}\` is not a string`);
  }
  if (d.claim_mappings !== undefined) {
    const targets = new Set<string>();
    for (const target of Object.values(d.claim_mappings)) {
      if (RESERVED_METADATA.includes(target)) throw invalidRequest(`metadata key \`${target}\` is reserved and may not be a mapping destination`);
      if (targets.has(target)) throw invalidRequest(`multiple keys are mapped to metadata key \`${target}\``);
      targets.add(target);
    }
    r.claimMappings = d.claim_mappings;
  }
  if (d.groups_claim !== undefined) r.groupsClaim = d.groups_claim;
  if (d.oidc_scopes !== undefined) r.oidcScopes = d.oidc_scopes.filter((s) => s !== '');
  if (d.allowed_redirect_uris !== undefined) r.allowedRedirectUris = d.allowed_redirect_uris.filter((u) => u !== '');
  if (d.verbose_oidc_logging !== undefined) r.verboseOidcLogging = d.verbose_oidc_logging;
  if (d.max_age !== undefined) r.maxAge = d.max_age;
  r.token = applyTokenFields(r.token, d);

  if (r.userClaim === '') throw invalidRequest('a user claim must be defined on the role');
  if (r.roleType === 'oidc' && r.allowedRedirectUris.length === 0) {
    throw invalidRequest("'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
  }
  // OIDC binds the audience to the client id; a JWT role must bind something.
  if (r.roleType === 'jwt' && r.boundAudiences.length === 0 && r.token.boundCidrs.length === 0 && r.boundSubject === '' && Object.keys(r.boundClaims).length === 0) {
    throw invalidRequest('must have at least one bound constraint when creating/updating a role');
  }
  await writeRole(req.storage, d.name, r);
  return undefined;
}

/** `auth/<mount>/role*`. */
export const rolePaths: readonly PathSpec[] = [
  definePath({
    pattern: 'role/:name',
    fields: roleFields,
    help: { synopsis: 'Create, read, update or delete a JWT/OIDC role.' },
    authz: (req) => ({ action: req.operation, resource: resource(req) }),
    exists: async (req) => (await readRole(req.storage, req.data.name)) !== undefined,
    operations: {
      read: {
        summary: 'Read a role.',
        handle: async (req) => {
          const r = await readRole(req.storage, req.data.name);
          if (!r) throw notFound();
          return { data: roleData(r) };
        },
      },
      create: { summary: 'Create a role.', handle: write },
      update: { summary: 'Update a role.', handle: write },
      delete: {
        summary: 'Delete a role.',
        handle: async (req) => {
          await deleteRole(req.storage, req.data.name);
          return undefined;
        },
      },
    },
  }),
  definePath({
    pattern: 'role',
    fields: {},
    help: { synopsis: 'List roles.' },
    authz: (req) => ({ action: 'list', resource: `${req.mount.path}role` }),
    operations: {
      list: {
        summary: 'List roles.',
        handle: async (req) => {
          const keys = await listRoles(req.storage);
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    },
  }),
];
