import { VaultError } from '../errors.js';
import type { AuthzTarget, EngineRequest } from '../framework/engine.js';

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
