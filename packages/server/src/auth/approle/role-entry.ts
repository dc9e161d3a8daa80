import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StorageView } from '../../storage/storage-view.js';
import type { TokenSettings } from '../token-fields.js';

/** An AppRole role as stored under `role/<name>`. */
export interface RoleEntry {
  name: string;
  /** Not a secret on its own (Vault returns it on read), but it is half a credential. */
  roleId: string;
  bindSecretId: boolean;
  secretIdBoundCidrs: string[];
  /** 0 = unlimited. */
  secretIdNumUses: number;
  /** Seconds; 0 = never expires. */
  secretIdTtl: number;
  localSecretIds: boolean;
  token: TokenSettings;
}

/**
 * Salted HMAC-SHA256 under a per-mount random key (kept at `salt`, under the barrier).
 * Secret ids, accessors and role ids appear in storage only as these digests: storage paths
 * are not encrypted, and values never hold a secret id.
 */
export class Hasher {
  private constructor(private readonly key: Buffer) {}

  static async load(storage: StorageView): Promise<Hasher> {
    const stored = await storage.getJson<{ key: string }>('salt');
    if (stored) return new Hasher(Buffer.from(stored.key, 'base64'));
    const key = randomBytes(32);
    await storage.putJson('salt', { key: key.toString('base64') });
    return new Hasher(key);
  }

  /** Hex digest of `value` in `purpose`'s domain, so a digest of one kind never matches another. */
  digest(purpose: 'secret-id' | 'accessor' | 'role-id' | 'role', value: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\0${value}`).digest('hex');
  }

  /** Constant-time equality of two values under this key. */
  same(purpose: 'role-id', a: string, b: string): boolean {
    return timingSafeEqual(Buffer.from(this.digest(purpose, a), 'hex'), Buffer.from(this.digest(purpose, b), 'hex'));
  }
}

export const roleKey = (name: string) => `role/${name}`;
export const roleIdKey = (hasher: Hasher, roleId: string) => `role-id/${hasher.digest('role-id', roleId)}`;

export const readRole = (storage: StorageView, name: string) => storage.getJson<RoleEntry>(roleKey(name));

/** The role a role id belongs to, or undefined. */
export async function roleByRoleId(storage: StorageView, hasher: Hasher, roleId: string): Promise<RoleEntry | undefined> {
  const index = await storage.getJson<{ name: string }>(roleIdKey(hasher, roleId));
  if (!index) return undefined;
  const role = await readRole(storage, index.name);
  // The index could outlive a role-id change that failed half-way; the role itself decides.
  return role && hasher.same('role-id', role.roleId, roleId) ? role : undefined;
}
