import { VaultError } from '../../errors.js';
import type { Clock, EngineRequest } from '../../framework/engine.js';
import type { KeyedMutex } from '../../framework/keyed-mutex.js';
import type { Hasher } from './role-entry.js';
import type { SecretIdStore } from './secret-id-store.js';

/** What the AppRole paths share within one mount. */
export interface AppRoleContext {
  readonly hasher: Hasher;
  readonly secretIds: SecretIdStore;
  readonly clock: Clock;
  /** Serialises role writes, so two roles cannot claim one role id at once. */
  readonly roles: KeyedMutex;
}

/** `auth/<mount>/role/<name><suffix>`, the Cedar resource of a role path. */
export const roleResource = (req: EngineRequest<{ role_name: string }>, suffix = '') =>
  `${req.mount.path}role/${req.data.role_name}${suffix}`;

export const notFound = () => new VaultError('not_found', '');

export const roleName = { type: 'string', description: 'Name of the role.', required: true } as const;
