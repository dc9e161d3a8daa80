import { ROOT, devVault } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { send } from '../pipeline/pipeline-test-kit.js';

/** A dev vault (in-memory SQLite, Cedar authorizer as in production); the root token is `ROOT`. */
export interface CedarVault extends Vault {
  /** Seals and unseals again (policies must come back from storage). */
  reseal(): Promise<void>;
}

export async function cedarDevVault(): Promise<CedarVault> {
  const vault = await devVault();
  return {
    ...vault,
    async reseal() {
      await send(vault, 'update', 'sys/seal', { token: ROOT });
      await send(vault, 'update', 'sys/unseal', { token: '', body: { key: Buffer.from(vault.unsealKey!).toString('hex') } });
    },
  };
}
