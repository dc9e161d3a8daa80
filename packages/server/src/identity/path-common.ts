import { invalidRequest, VaultError } from '../errors.js';
import type { AuthzTarget, EngineRequest } from '../framework/engine.js';
import type { AliasInput } from './identity-records.js';

/**
 * The Cedar request of an identity path: `<mount><kind>/<name-or-id>` (`identity/group/admins`),
 * with the operation as the action. Entities and groups are named by their *name* whichever path
 * reached them (`group/id/:id` resolves the id), so a policy on `identity/group/admins` cannot be
 * side-stepped through the id path; an object that does not exist yet is named by what the
 * request gives.
 */
export function identityTarget(req: EngineRequest<unknown>, kind: string, key?: string): AuthzTarget {
  return {
    action: req.operation,
    resource: key === undefined || key === '' ? `${req.mount.path}${kind}` : `${req.mount.path}${kind}/${key}`,
  };
}

/** Vault answers an empty LIST with 404 and no errors (spec §0 trap 3). */
export function listResponse(keys: string[]) {
  if (keys.length === 0) throw new VaultError('not_found', '');
  return { data: { keys } };
}

/** A read of something that does not exist: 404 with no errors, as Vault answers a nil response. */
export const missing = () => new VaultError('not_found', '');

/** Lets the engine name an alias's mount; absent, mount accessors are taken on trust. */
export type MountLookup = (accessor: string) => { path: string; type: string } | undefined;

/** The fields every alias write takes, entity or group (https://developer.hashicorp.com/vault/api-docs/secret/identity/entity-alias). */
export interface AliasFields {
  name?: string | undefined;
  canonical_id?: string | undefined;
  mount_accessor?: string | undefined;
}

/**
 * The store input of an alias write. The mount accessor must name a mount (Vault's `invalid mount
 * accessor`), whose type and path the alias records; without a lookup it is taken on trust.
 */
export function aliasInput(mounts: MountLookup | undefined, d: AliasFields): AliasInput {
  const input: AliasInput = {};
  if (d.name) input.name = d.name;
  if (d.canonical_id) input.canonicalId = d.canonical_id;
  if (d.mount_accessor) {
    input.mountAccessor = d.mount_accessor;
    if (mounts) {
      const mount = mounts(d.mount_accessor);
      if (!mount) throw invalidRequest(`invalid mount accessor \`${d.mount_accessor}\``);
      input.mountType = mount.type;
      input.mountPath = mount.path;
    }
  }
  return input;
}
