import { definePath, type PathSpec } from '../framework/engine.js';
import type { SystemLifecycle } from './system-lifecycle.js';

/** `sys/rotate` and `sys/key-status` (spec §2.2). */
export function keyPaths(life: SystemLifecycle): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'rotate',
      fields: {},
      authz: () => ({ action: 'sudo', resource: 'sys/rotate' }),
      operations: {
        update: {
          summary: 'rotate the barrier encryption key',
          handle: async () => {
            await life.rotate();
            return undefined;
          },
        },
      },
      help: {
        synopsis: 'Add a new term to the keyring; new writes use it and old values are re-encrypted in the background.',
      },
    }),
    definePath({
      pattern: 'key-status',
      fields: {},
      authz: () => ({ action: 'read', resource: 'sys/key-status' }),
      operations: {
        read: {
          summary: 'the current barrier key term',
          handle: async () => ({ data: { ...life.keyStatus() }, dataAtTopLevel: true }),
        },
      },
      help: { synopsis: 'The barrier key term in use, when it was installed and how often it was used.' },
    }),
  ];
}
