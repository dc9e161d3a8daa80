import { permissionDenied } from '../errors.js';
import type { AuthIssue, MountEntry } from '../framework/engine.js';
import { isPlainObject } from '../framework/fields.js';
import type { IdentityStore } from './identity-store.js';

/** The identity a login asks for: the alias name on its mount (Vault's `logical.Alias`). */
export interface LoginAlias {
  name: string;
  metadata?: Record<string, string>;
}

/**
 * The alias a login result carries. Until `AuthIssue` has an `alias` field, auth methods put it
 * in `internal.alias`; a proper `alias` field, once added, wins.
 */
export function loginAliasOf(auth: AuthIssue): LoginAlias | undefined {
  const candidate = (auth as AuthIssue & { alias?: unknown }).alias ?? auth.internal?.['alias'];
  if (!isPlainObject(candidate) || typeof candidate['name'] !== 'string' || candidate['name'] === '') return undefined;
  const meta = candidate['metadata'];
  const metadata = isPlainObject(meta)
    ? Object.fromEntries(Object.entries(meta).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : undefined;
  return { name: candidate['name'], ...(metadata && { metadata }) };
}

/**
 * The group names a login brings, for external groups: `internal.groupAliases` (the JWT/OIDC
 * method's groups claim). Anything but non-empty strings is ignored.
 */
export function loginGroupAliasesOf(auth: AuthIssue): string[] {
  const raw = auth.internal?.['groupAliases'];
  return Array.isArray(raw) ? raw.filter((n): n is string => typeof n === 'string' && n !== '') : [];
}

/**
 * What the pipeline does with a login result before the token is created (Vault's core does
 * the same on every login): find or create the entity behind the alias on this mount, refuse a
 * disabled entity, sync its external groups from this mount with the group names the login
 * brings (none is a sync too: a group gone from the claim is left), and set `entityId`. The
 * alias and the group names are dropped from `internal`, so the token entry keeps no copy of
 * them. A result without an alias (the token store's own) passes through unchanged.
 */
export async function applyLoginIdentity(store: IdentityStore, mount: MountEntry, auth: AuthIssue): Promise<AuthIssue> {
  const alias = loginAliasOf(auth);
  if (!alias) return auth;
  const entity = await store.findOrCreateForLogin({
    mountAccessor: mount.accessor,
    mountType: mount.type,
    mountPath: mount.path,
    aliasName: alias.name,
    ...(alias.metadata && { aliasMetadata: alias.metadata }),
  });
  if (entity.disabled) throw permissionDenied();
  // Through the store, so a membership change invalidates cached Cedar decisions like any other.
  await store.syncExternalGroups(entity.id, mount.accessor, loginGroupAliasesOf(auth));
  const { alias: _dropped, groupAliases: _names, ...internal } = auth.internal ?? {};
  const { alias: _field, ...rest } = auth as AuthIssue & { alias?: unknown };
  return { ...rest, entityId: entity.id, ...(auth.internal && { internal }) };
}
