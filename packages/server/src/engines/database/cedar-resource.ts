import type { MountEntry } from '../../framework/engine.js';

/**
 * Cedar resources (ARCHITECTURE.md, "Cedar model"): a role is `<mount>/<role>` whatever the API
 * segment (`creds/`, `roles/`, `static-roles/`, `static-creds/`, `rotate-role/` are told apart by
 * action), so the seed's `generate` on `Secret::"database/dynamic"` covers `database/creds/dynamic`.
 * Connections are `<mount>/config/<name>`; mount-wide lists name the mount itself.
 */
export function roleResource(mount: MountEntry, role?: string): string {
  const base = mount.path.replace(/\/+$/, '');
  return role === undefined ? base : `${base}/${role}`;
}

export const configResource = (mount: MountEntry, name?: string): string =>
  name === undefined ? `${roleResource(mount)}/config` : `${roleResource(mount)}/config/${name}`;
