import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { StorageView } from '../storage/storage-view.js';

/** A device's secrets, kept in the barrier: its HMAC salt and its checkpoint signing key. */
export interface DeviceKeys {
  readonly salt: Uint8Array;
  readonly signingKey: KeyObject;
  /** SPKI PEM, what `sys/audit/:name/public-key` answers. */
  readonly publicKeyPem: string;
}

interface StoredKeys {
  salt: string;
  signing_key: string;
}

/**
 * Loads a device's keys from `view` (`keys/<name>`), creating them on first use. Disabling a
 * device deletes them, so its old HMACs can no longer be reproduced (as in Vault).
 */
export async function loadDeviceKeys(view: StorageView, name: string): Promise<DeviceKeys> {
  const key = `keys/${name}`;
  let stored = await view.getJson<StoredKeys>(key);
  if (!stored) {
    const { privateKey } = generateKeyPairSync('ed25519');
    stored = {
      salt: randomBytes(32).toString('base64'),
      signing_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    await view.putJson(key, stored);
  }
  const signingKey = createPrivateKey(stored.signing_key);
  return {
    salt: Buffer.from(stored.salt, 'base64'),
    signingKey,
    publicKeyPem: createPublicKey(signingKey).export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export async function deleteDeviceKeys(view: StorageView, name: string): Promise<void> {
  await view.delete(`keys/${name}`);
}
