import { AesGcmBarrier } from '../barrier/aes-gcm-barrier.js';
import { InmemBackend } from '../storage/inmem-backend.js';
import type { StorageBackend } from '../storage/storage-backend.js';
import { SealManager, type SealManagerOptions } from './seal-manager.js';

/**
 * A SealManager over an in-memory backend for the lifecycle tests, recording the
 * `onUnsealed`/`onSealing` calls in `events`.
 */
export function testVault(overrides: Partial<SealManagerOptions> = {}, backend: StorageBackend = new InmemBackend()) {
  const events: string[] = [];
  const barrier = new AesGcmBarrier(backend);
  const manager = new SealManager({
    backend,
    barrier,
    onUnsealed: async () => void events.push('unsealed'),
    onSealing: async () => void events.push('sealing'),
    version: '0.1.0-test',
    buildDate: '2024-01-01T00:00:00Z',
    ...overrides,
  });
  return { manager, barrier, backend, events };
}

/** Initializes with `shares`/`threshold`, then seals, as `sys/init` + root token creation would. */
export async function initializedVault(shares: number, threshold: number, overrides: Partial<SealManagerOptions> = {}) {
  const vault = testVault(overrides);
  const { keys } = await vault.manager.initialize({ secret_shares: shares, secret_threshold: threshold });
  await vault.manager.seal();
  vault.events.length = 0;
  return { ...vault, keys };
}

/** Submits `keys` in order and returns the last status. */
export async function unsealWith(manager: SealManager, keys: readonly Uint8Array[]) {
  let status = await manager.status();
  for (const key of keys) status = await manager.submitUnsealKey(key);
  return status;
}
