import { formatDuration } from '../framework/duration.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import type { SystemLifecycle } from './system-lifecycle.js';

/**
 * `sys/rotate/config` (https://developer.hashicorp.com/vault/api-docs/system/rotate-config):
 * when the barrier adds a key term by itself. A write changes only the fields it gives, and the
 * merged result must pass Vault's range checks (400 otherwise). Vault protects it like any
 * path, not with `sudo`: reading is `read`, writing `configure` on `sys/rotate/config`.
 */
export function rotateConfigPaths(life: SystemLifecycle): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'rotate/config',
      fields: {
        max_operations: { type: 'int', description: 'encryptions under one key term before it is rotated (1,000,000 to 3,865,470,566)' },
        interval: { type: 'duration', description: 'age of the key term at which it is rotated: 0 (never) or at least 24h' },
        enabled: { type: 'bool', description: 'whether the key rotates automatically; encryptions are counted either way' },
      },
      authz: (req) => ({ action: req.operation === 'read' ? 'read' : 'configure', resource: 'sys/rotate/config' }),
      operations: {
        read: {
          summary: 'the automatic key rotation settings',
          handle: async () => {
            const c = life.rotationConfig();
            // Go's Duration.String() for a set interval, the number 0 when unset, as Vault answers.
            return { data: { max_operations: c.maxOperations, interval: c.interval > 0 ? formatDuration(c.interval) : 0, enabled: c.enabled } };
          },
        },
        update: {
          summary: 'configure automatic key rotation',
          handle: async ({ data }) => {
            const current = life.rotationConfig();
            await life.setRotationConfig({
              maxOperations: data.max_operations ?? current.maxOperations,
              interval: data.interval ?? current.interval,
              enabled: data.enabled ?? current.enabled,
            });
            return undefined;
          },
        },
      },
      help: {
        synopsis: 'Rotate the barrier key after a number of encryptions or an age.',
        description: 'Checked on every write (the count) and once a minute on the active node (the age).',
      },
    }),
  ];
}
