import { randomUUID } from 'node:crypto';
import { invalidRequest } from '../../errors.js';
import type { Clock } from '../../framework/engine.js';
import type { StorageOp } from '../../storage/storage-backend.js';
import { encodeJson, type StorageView } from '../../storage/storage-view.js';
import { KeyedMutex } from '../../framework/keyed-mutex.js';
import type { Hasher, RoleEntry } from './role-entry.js';

/** What is kept about a secret id. The secret id itself is not: its HMAC is the storage key. */
export interface SecretIdEntry {
  accessor: string;
  roleName: string;
  /** Remaining uses; 0 = unlimited. */
  numUses: number;
  /** Seconds; 0 = never expires. */
  ttl: number;
  /** Unix ms. */
  creationTime: number;
  /** Unix ms; 0 = never. */
  expirationTime: number;
  lastUpdatedTime: number;
  metadata: Record<string, string>;
  cidrList: string[];
  tokenBoundCidrs: string[];
}

interface AccessorIndex {
  roleDigest: string;
  secretIdDigest: string;
}

export interface NewSecretId {
  secretId?: string;
  numUses: number;
  ttl: number;
  metadata: Record<string, string>;
  cidrList: string[];
  tokenBoundCidrs: string[];
}

/**
 * Secret ids of every role of one AppRole mount:
 * `secret-id/<hmac(role)>/<hmac(secret id)>` → entry, `accessor/<hmac(accessor)>` → index.
 *
 * INVARIANT: a secret id's uses are checked and spent under a per-secret-id lock, so two
 * concurrent logins with a one-use secret id cannot both succeed.
 */
export class SecretIdStore {
  private readonly lock = new KeyedMutex();

  constructor(
    private readonly storage: StorageView,
    private readonly hasher: Hasher,
    private readonly clock: Clock,
  ) {}

  private prefix(roleName: string) {
    return `secret-id/${this.hasher.digest('role', roleName)}/`;
  }
  private entryKey(roleName: string, secretId: string) {
    return this.prefix(roleName) + this.hasher.digest('secret-id', secretId);
  }
  private accessorKey(accessor: string) {
    return `accessor/${this.hasher.digest('accessor', accessor)}`;
  }

  async create(role: RoleEntry, req: NewSecretId): Promise<{ secretId: string; entry: SecretIdEntry }> {
    const secretId = req.secretId ?? randomUUID();
    const key = this.entryKey(role.name, secretId);
    return this.lock.run(key, async () => {
      if (await this.storage.get(key)) throw invalidRequest('secret_id is already registered');
      const now = this.clock.now();
      const entry: SecretIdEntry = {
        accessor: randomUUID(),
        roleName: role.name,
        numUses: req.numUses,
        ttl: req.ttl,
        creationTime: now,
        expirationTime: req.ttl > 0 ? now + req.ttl * 1000 : 0,
        lastUpdatedTime: now,
        metadata: req.metadata,
        cidrList: req.cidrList,
        tokenBoundCidrs: req.tokenBoundCidrs,
      };
      const index: AccessorIndex = { roleDigest: this.hasher.digest('role', role.name), secretIdDigest: key.slice(key.lastIndexOf('/') + 1) };
      await this.storage.batch([put(key, entry), put(this.accessorKey(entry.accessor), index)]);
      return { secretId, entry };
    });
  }

  /** The live entry of a secret id, or undefined (expired ones are deleted on sight). */
  async lookup(roleName: string, secretId: string): Promise<SecretIdEntry | undefined> {
    return this.live(this.entryKey(roleName, secretId));
  }

  /**
   * Spends one use of a secret id for a login. `check` runs under the lock before anything is
   * spent (CIDR restrictions), so a refused attempt costs no use. Undefined when the secret id
   * is unknown, expired or used up.
   */
  async consume(roleName: string, secretId: string, check: (entry: SecretIdEntry) => void): Promise<SecretIdEntry | undefined> {
    const key = this.entryKey(roleName, secretId);
    return this.lock.run(key, async () => {
      const entry = await this.live(key);
      if (!entry) return undefined;
      check(entry);
      if (entry.numUses === 1) await this.remove(key, entry);
      else if (entry.numUses > 1) {
        await this.storage.putJson(key, { ...entry, numUses: entry.numUses - 1, lastUpdatedTime: this.clock.now() });
      }
      return entry;
    });
  }

  async destroy(roleName: string, secretId: string): Promise<void> {
    const key = this.entryKey(roleName, secretId);
    await this.lock.run(key, async () => {
      const entry = await this.storage.getJson<SecretIdEntry>(key);
      if (entry) await this.remove(key, entry);
    });
  }

  /** The entry behind an accessor of `roleName`'s secret ids. */
  async byAccessor(roleName: string, accessor: string): Promise<{ key: string; entry: SecretIdEntry } | undefined> {
    const index = await this.storage.getJson<AccessorIndex>(this.accessorKey(accessor));
    if (!index || index.roleDigest !== this.hasher.digest('role', roleName)) return undefined;
    const key = this.prefix(roleName) + index.secretIdDigest;
    const entry = await this.live(key);
    return entry ? { key, entry } : undefined;
  }

  async destroyByAccessor(roleName: string, accessor: string): Promise<boolean> {
    const found = await this.byAccessor(roleName, accessor);
    if (!found) return false;
    await this.lock.run(found.key, () => this.remove(found.key, found.entry));
    return true;
  }

  /** Accessors of a role's live secret ids. */
  async accessors(roleName: string): Promise<string[]> {
    const out: string[] = [];
    for (const name of await this.storage.list(this.prefix(roleName))) {
      if (name.endsWith('/')) continue;
      const entry = await this.live(this.prefix(roleName) + name);
      if (entry) out.push(entry.accessor);
    }
    return out.sort();
  }

  /** Deletes every secret id of a role (when the role goes). */
  async destroyAll(roleName: string): Promise<void> {
    for (const name of await this.storage.list(this.prefix(roleName))) {
      const key = this.prefix(roleName) + name;
      const entry = await this.storage.getJson<SecretIdEntry>(key);
      if (entry) await this.lock.run(key, () => this.remove(key, entry));
    }
  }

  /** Removes expired secret ids and accessor entries that point nowhere. Returns how many went. */
  async tidy(): Promise<number> {
    let removed = 0;
    for await (const key of this.storage.keys('secret-id/')) {
      const entry = await this.storage.getJson<SecretIdEntry>(key);
      if (entry && this.expired(entry)) {
        await this.lock.run(key, () => this.remove(key, entry));
        removed++;
      }
    }
    for await (const key of this.storage.keys('accessor/')) {
      const index = await this.storage.getJson<AccessorIndex>(key);
      if (index && !(await this.storage.get(`secret-id/${index.roleDigest}/${index.secretIdDigest}`))) {
        await this.storage.delete(key);
      }
    }
    return removed;
  }

  private expired(entry: SecretIdEntry): boolean {
    return entry.expirationTime !== 0 && this.clock.now() >= entry.expirationTime;
  }

  private async live(key: string): Promise<SecretIdEntry | undefined> {
    const entry = await this.storage.getJson<SecretIdEntry>(key);
    if (!entry) return undefined;
    if (this.expired(entry)) {
      await this.remove(key, entry);
      return undefined;
    }
    return entry;
  }

  private remove(key: string, entry: SecretIdEntry): Promise<void> {
    return this.storage.batch([{ type: 'delete', key }, { type: 'delete', key: this.accessorKey(entry.accessor) }]);
  }
}

const put = (key: string, value: unknown): StorageOp => ({ type: 'put', key, value: encodeJson(value) });
