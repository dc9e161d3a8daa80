import type { AesGcmBarrier } from './barrier/aes-gcm-barrier.js';
import type { SealManager } from './lifecycle/seal-manager.js';
import type { SystemLifecycle } from './system/system-lifecycle.js';

export interface LifecycleDeps {
  seal: SealManager;
  barrier: AesGcmBarrier;
  version: string;
  /** Starts the unsealed services (mount table, token store) on an unsealed barrier. */
  activate(): Promise<void>;
  deactivate(): Promise<void>;
  /** Creates a root token (optionally with a chosen id) in the running token store. */
  rootToken(id?: string): Promise<{ token: string }>;
}

/**
 * The `sys/` lifecycle endpoints over the seal state machine and the barrier. Initialising
 * creates the root token inside a short unsealed window, then seals again, as Vault does.
 */
export function createLifecycle(deps: LifecycleDeps): SystemLifecycle & {
  initialize(params: { secret_shares: number; secret_threshold: number }, rootTokenId?: string): Promise<{ keys: Uint8Array[]; rootToken: string }>;
} {
  const { seal, barrier } = deps;
  return {
    version: deps.version,
    initialized: () => seal.initialized(),
    async initialize(params, rootTokenId?: string) {
      const { keys } = await seal.initialize(params);
      try {
        await deps.activate();
        const { token } = await deps.rootToken(rootTokenId);
        return { keys, rootToken: token };
      } finally {
        await deps.deactivate();
        barrier.seal();
      }
    },
    sealStatus: () => seal.status(),
    unseal: (key) => seal.submitUnsealKey(key),
    async resetUnseal() {
      seal.resetUnseal();
      return seal.status();
    },
    seal: () => seal.seal(),
    rekeyInit: async (params) => ({ ...(await seal.rekeyInit(params)) }),
    rekeyStatus: async () => ({ ...(await seal.rekeyStatus()) }),
    rekeyUpdate: async (key, nonce) => {
      const result = await seal.rekeyUpdate(key, nonce);
      if (!result.complete) return { ...result };
      const { keys, ...rest } = result;
      return {
        ...rest,
        keys: keys.map((k) => Buffer.from(k).toString('hex')),
        keys_base64: keys.map((k) => Buffer.from(k).toString('base64')),
      };
    },
    rekeyCancel: async () => seal.rekeyCancel(),
    rekeyVerifyStatus: async () => ({ ...(await seal.rekeyVerifyStatus()) }),
    rekeyVerifyUpdate: async (key, nonce) => ({ ...(await seal.rekeyVerifyUpdate(key, nonce)) }),
    rekeyVerifyRestart: async () => ({ ...(await seal.rekeyVerifyRestart()) }),
    generateRootInit: async () => ({ ...(await seal.generateRootInit()) }),
    generateRootStatus: async () => ({ ...(await seal.generateRootStatus()) }),
    generateRootUpdate: async (key, nonce) =>
      ({ ...(await seal.generateRootUpdate(key, nonce, async () => (await deps.rootToken()).token)) }),
    generateRootCancel: async () => seal.generateRootCancel(),
    rotate: () => barrier.rotate(),
    keyStatus: () => barrier.keyStatus(),
    rotationConfig: () => barrier.rotationConfig(),
    setRotationConfig: (config) => barrier.setRotationConfig(config),
    checkAutoRotate: () => barrier.checkAutoRotate(),
  };
}
