import type { EngineContext, EngineFactory, EngineSpec } from '../../framework/engine.js';
import { rotateDueKeys } from './auto-rotate.js';
import { KeyStore } from './key-store.js';
import { pathBackup, pathRestore } from './path-backup.js';
import { pathCacheConfig, pathConfigKeys } from './path-config.js';
import { pathDatakey } from './path-datakey.js';
import { pathDecrypt, pathEncrypt, pathRewrap } from './path-encrypt.js';
import { pathExport } from './path-export.js';
import { pathHmac } from './path-hmac.js';
import { pathKeys, pathKeysList } from './path-keys.js';
import { pathKeysConfig, pathKeysRotate, pathKeysTrim } from './path-keys-config.js';
import { pathSign, pathVerify } from './path-sign.js';
import { pathHash, pathRandom } from './path-tools.js';

/**
 * The transit secrets engine (mount type `transit`): encryption as a service with named,
 * versioned keys that never leave the engine unless made exportable — the platform's KMS
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit, spec §2.14). Key material is
 * generated with Node's `crypto` and stored only in the mount's barrier-encrypted view.
 */
export const transitEngine: EngineFactory = async (ctx: EngineContext): Promise<EngineSpec> => {
  const keys = new KeyStore(ctx.clock);
  return {
    kind: 'secrets',
    paths: [
      pathKeysList(keys),
      pathKeys(keys),
      pathKeysConfig(keys),
      pathKeysRotate(keys),
      pathKeysTrim(keys),
      pathEncrypt(keys),
      pathDecrypt(keys),
      pathRewrap(keys),
      pathDatakey(keys),
      pathHmac(keys),
      pathSign(keys),
      pathVerify(keys),
      pathExport(keys),
      pathBackup(keys),
      pathRestore(keys),
      pathRandom(),
      pathHash(),
      pathCacheConfig(),
      pathConfigKeys(keys),
    ],
    periodic: async () => {
      await rotateDueKeys(keys, ctx.storage, ctx.log);
    },
    // Sealing or unmounting closes the engine: the decoded key records it caches go with it.
    close: async () => keys.close(),
  };
};
