import type { EngineContext, EngineFactory, EngineSpec, MountEntry } from '../../framework/engine.js';
import { createKvContext } from './kv-context.js';
import { pathKvV1 } from './kv-v1.js';
import { pathConfig } from './path-config.js';
import { pathData } from './path-data.js';
import { pathsDelete } from './path-delete.js';
import { pathMetadata } from './path-metadata.js';
import { pathSubkeys } from './path-subkeys.js';

/**
 * Which KV flavour a mount runs: v2 (versioned) when `options.version` is "2" or the type is
 * `kv-v2`; otherwise v1, Vault's default for `kv` without a version. Dev mode mounts `secret/`
 * with `options.version = "2"`.
 */
export const kvVersion = (mount: MountEntry): 1 | 2 =>
  mount.options['version'] === '2' || mount.type === 'kv-v2' ? 2 : 1;

/** The KV secrets engine (Vault's `kv`), versioned or not according to the mount. */
export const kvEngine: EngineFactory = async (ctx: EngineContext): Promise<EngineSpec> => {
  if (kvVersion(ctx.mount) === 1) return { kind: 'secrets', paths: [pathKvV1()] };
  const kv = createKvContext(ctx.clock);
  return {
    kind: 'secrets',
    paths: [pathConfig(kv), pathData(kv), ...pathsDelete(kv), pathMetadata(kv), pathSubkeys(kv)],
    // Sealing or unmounting closes the engine: the decoded records it caches go with it.
    close: async () => kv.close(),
  };
};
