import type { Logger } from '../../framework/engine.js';
import type { StorageView } from '../../storage/storage-view.js';
import { addVersion, type KeyStore } from './key-store.js';

/**
 * Automatic rotation (`auto_rotate_period`): the scheduler calls the engine's `periodic()` on the
 * active node, and every key whose latest version is at least its period old gets a new version,
 * as Vault's transit periodic function does
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#auto_rotate_period).
 *
 * Returns the names rotated. One key failing to rotate is logged and does not stop the others.
 */
export async function rotateDueKeys(keys: KeyStore, storage: StorageView, log: Logger): Promise<string[]> {
  const rotated: string[] = [];
  for (const name of await keys.list(storage)) {
    try {
      const done = await keys.locks.run(name, async () => {
        const record = await keys.load(storage, name);
        if (record === undefined || record.autoRotatePeriod <= 0) return false;
        const latest = record.versions[String(record.latestVersion)];
        const nowSeconds = Math.floor(keys.clock.now() / 1000);
        // INVARIANT: checked again under the key's lock, so a manual rotation that just ran is not doubled.
        if (latest !== undefined && nowSeconds - latest.time < record.autoRotatePeriod) return false;
        await addVersion(record, keys.clock);
        await keys.put(storage, record);
        return true;
      });
      if (done) rotated.push(name);
    } catch (err) {
      log.error('transit auto-rotation failed', { key: name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (rotated.length > 0) log.info('transit keys rotated automatically', { keys: rotated });
  return rotated;
}
