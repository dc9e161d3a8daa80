import { randomBytes } from 'node:crypto';
import { internalError } from '../../errors.js';
import type { StorageView } from '../../storage/storage-view.js';

/**
 * Certificate serial numbers: random 64-bit values (a serial is all the OpenSSH format allows;
 * `RevokedKeys` lists revoke by serial, so two certificates must never share one).
 *
 * Randomness alone makes a collision unlikely (about 3·10⁻⁸ after a million certificates, by
 * the birthday bound), but not impossible; so every issued serial is recorded under `serials/`
 * and a candidate already recorded — or reserved by a request still in flight on this node — is
 * drawn again. Only the active node issues (ARCHITECTURE.md, "HA"), so the in-memory reservation
 * closes the gap between the check and the write. The record also keeps what a future
 * revocation list or tidy job needs, never the certificate or any key.
 */

/** What is kept about an issued certificate. */
export interface SerialRecord {
  role: string;
  key_id: string;
  cert_type: 'user' | 'host';
  principals: string[];
  /** Unix seconds. */
  valid_before: number;
}

const MAX_DRAWS = 8;

/** Hands out unique serials for one mount. */
export class SerialAllocator {
  private readonly reserved = new Set<string>();

  /**
   * Reserves a fresh serial, runs `issue` with it, then records it. If `issue` throws, the serial
   * is released unrecorded.
   */
  async issue<T>(storage: StorageView, issue: (serial: bigint, hex: string) => Promise<{ result: T; record: SerialRecord }>): Promise<T> {
    const { serial, hex } = await this.reserve(storage);
    try {
      const { result, record } = await issue(serial, hex);
      await storage.putJson(`serials/${hex}`, record);
      return result;
    } finally {
      this.reserved.delete(hex);
    }
  }

  private async reserve(storage: StorageView): Promise<{ serial: bigint; hex: string }> {
    for (let i = 0; i < MAX_DRAWS; i++) {
      const serial = randomBytes(8).readBigUInt64BE();
      // Zero reads as "no serial" to some tools; skip it.
      if (serial === 0n) continue;
      // Lowercase hex without leading zeros, as Vault formats SSH serials.
      const hex = serial.toString(16);
      if (this.reserved.has(hex)) continue;
      this.reserved.add(hex);
      if ((await storage.get(`serials/${hex}`)) === undefined) return { serial, hex };
      this.reserved.delete(hex);
    }
    // Eight collisions in a row means the random source is broken, not bad luck.
    throw internalError('could not allocate a unique certificate serial');
  }
}
