import type { MountEntry } from '../../framework/engine.js';

/**
 * The Cedar resource for an SSH path (ARCHITECTURE.md, "Cedar model"): the mount path without its
 * trailing slash, then the role name without the API segment. `sign/dev`, `issue/dev` and
 * `roles/dev` all name `Secret::"ssh/dev"` (told apart by action: sign, configure, read, delete);
 * mount-wide paths (`config/ca`, `public_key`, the role list) name the mount itself, `ssh`.
 */
export function sshResource(mount: MountEntry, role?: string): string {
  const base = mount.path.endsWith('/') ? mount.path.slice(0, -1) : mount.path;
  return role === undefined ? base : `${base}/${role}`;
}
