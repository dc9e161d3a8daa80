import type { EngineRequest } from '../../framework/engine.js';
import { internalError } from '../../errors.js';
import { noSecret, type KvContext } from './kv-context.js';
import { isReadable, resolveVersion } from './version-rules.js';
import type { KeyMetadata, VersionMeta } from './version-store.js';

/**
 * A version found by `readVersion`: `data` is undefined when it is deleted or destroyed. All of
 * it is deep-frozen and shared with other readers (version-store.ts caches it).
 */
export interface FoundVersion {
  meta: Readonly<KeyMetadata>;
  version: number;
  entry: Readonly<VersionMeta>;
  data: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Looks up one version of a secret for `data/` and `subkeys/` reads. Throws a plain 404 when
 * the secret or the version does not exist (Vault answers `{"errors":[]}` then).
 *
 * Reads take no lock. If the version's data vanished between reading the metadata and the
 * data (a concurrent destroy or prune), the lookup runs once more under the path's lock,
 * where metadata and data are consistent.
 */
export async function readVersion(
  kv: KvContext,
  req: EngineRequest<unknown>,
  path: string,
  requested: number | undefined,
): Promise<FoundVersion> {
  const attempt = async (): Promise<FoundVersion | undefined> => {
    const store = kv.store(req);
    const meta = await store.metadataView(path);
    if (meta === undefined) throw noSecret();
    const version = resolveVersion(meta, requested);
    const entry = meta.versions[String(version)];
    if (entry === undefined) throw noSecret();
    if (!isReadable(entry, kv.clock.now())) return { meta, version, entry, data: undefined };
    const data = await store.versionData(path, version);
    return data === undefined ? undefined : { meta, version, entry, data };
  };
  const found = (await attempt()) ?? (await kv.locks.run(path, attempt));
  if (found === undefined) throw internalError('could not find version data');
  return found;
}
