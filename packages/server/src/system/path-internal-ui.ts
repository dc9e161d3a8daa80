import { permissionDenied } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import type { MountTable } from '../router/mount-table.js';
import { mountInfo } from './mount-info.js';

/**
 * `sys/internal/ui/mounts[/:path]`: the Vault CLI's `kv` preflight learns a mount's type and KV
 * version here. A missing mount answers 403 like a forbidden one (spec §0 trap 17).
 */
export function internalUiPaths(mounts: () => MountTable): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'internal/ui/mounts',
      fields: {},
      authz: () => ({ action: 'read', resource: 'sys/internal/ui/mounts' }),
      operations: {
        read: {
          summary: 'mounts visible to the caller',
          handle: async () => ({
            data: {
              secret: Object.fromEntries(mounts().list('secrets').map((e) => [e.path, mountInfo(e)])),
              auth: Object.fromEntries(mounts().list('auth').map((e) => [e.path.slice(5), mountInfo(e)])),
            },
          }),
        },
      },
      help: { synopsis: 'The mounts the caller can see.' },
    }),
    definePath({
      pattern: 'internal/ui/mounts/:path+',
      fields: { path: { type: 'string', description: 'a path inside a mount', required: true } },
      authz: (req) => ({ action: 'read', resource: `sys/internal/ui/mounts/${req.data.path}` }),
      operations: {
        read: {
          summary: 'the mount serving a path',
          handle: async ({ data }) => {
            const found = mounts().match(data.path);
            if (!found) {
              throw permissionDenied(
                `preflight capability check returned 403, please ensure client's policies grant access to path "${data.path}/"`,
              );
            }
            const entry = found.mounted.entry;
            return { data: { ...mountInfo(entry), path: entry.kind === 'auth' ? entry.path : entry.path } };
          },
        },
      },
      help: { synopsis: 'The type and options of the mount serving a path (used by `kv` preflight).' },
    }),
  ];
}
