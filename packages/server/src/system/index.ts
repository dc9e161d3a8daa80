import type { Clock, EngineSpec, PathSpec } from '../framework/engine.js';
import { passwordPolicyPaths } from '../password-policies/path-password-policies.js';
import type { MountTable } from '../router/mount-table.js';
import { healthPaths, type HaHealth } from './path-health.js';
import { internalUiPaths } from './path-internal-ui.js';
import { keyPaths } from './path-keys.js';
import { mountPaths } from './path-mounts.js';
import { openApiPath } from './path-openapi.js';
import { rekeyPaths } from './path-rekey.js';
import { rekeyVerifyPaths } from './path-rekey-verify.js';
import { rotateConfigPaths } from './path-rotate-config.js';
import { sealPaths } from './path-seal.js';
import { toolPaths } from './path-tools.js';
import type { SystemLifecycle } from './system-lifecycle.js';

export interface SystemDeps {
  readonly lifecycle: SystemLifecycle;
  /** The mount table; only called while unsealed. */
  readonly mounts: () => MountTable;
  readonly clock: Clock;
  /** HA state for sys/health, sys/leader and sys/step-down; absent without a leader lock. */
  readonly ha?: HaHealth & { stepDown(): void };
  /** Paths contributed by other modules (wrapping, later policies, leases, audit). */
  readonly extraPaths?: readonly PathSpec<any>[];
}

/**
 * The `sys/` backend, declared like any engine. Its lifecycle paths answer without a token
 * (and, for init/unseal/seal-status/health/leader, while sealed).
 */
export function systemEngine(deps: SystemDeps): EngineSpec {
  return {
    kind: 'secrets',
    paths: [
      ...sealPaths(deps.lifecycle, () => deps.ha?.stepDown()),
      ...healthPaths(deps.lifecycle, deps.clock, deps.ha),
      ...rekeyPaths(deps.lifecycle),
      ...rekeyVerifyPaths(deps.lifecycle),
      ...keyPaths(deps.lifecycle),
      ...rotateConfigPaths(deps.lifecycle),
      ...toolPaths(),
      ...mountPaths(deps.mounts),
      ...internalUiPaths(deps.mounts),
      openApiPath(deps.mounts),
      ...passwordPolicyPaths(),
      ...(deps.extraPaths ?? []),
    ],
    unauthenticated: [
      'init',
      'seal-status',
      'unseal',
      'health',
      'leader',
      'rekey/init',
      'rekey/update',
      'rekey/verify',
      'generate-root/attempt',
      'generate-root/update',
    ],
    // Run once a minute on the active node (rotation/periodic-jobs.ts): the barrier key's age
    // limit from sys/rotate/config, and the stored encryption count.
    periodic: async () => void (await deps.lifecycle.checkAutoRotate()),
  };
}
