import { definePath, type Action, type EngineRequest, type EngineResponse, type Operation } from '../../framework/engine.js';
import type { FieldValues } from '../../framework/fields.js';
import { internalError, invalidRequest } from '../../errors.js';
import { noSecret, secretResource, writablePath, type KvContext } from './kv-context.js';
import { mergePatchObject } from './merge-patch.js';
import { readVersion } from './read-version.js';
import { checkCas, isReadable, scheduledDeletion, versionView } from './version-rules.js';
import { newMetadata, type KeyMetadata, type KvConfig, type VersionStore } from './version-store.js';

const fields = {
  path: { type: 'string', required: true, description: 'Location of the secret.' },
  version: {
    type: 'int',
    description: 'On read, the version to return; 0 or absent returns the current version.',
  },
  options: {
    type: 'map',
    description:
      'Write options. `cas` (check-and-set): 0 writes only if the key has no version yet; any ' +
      'other number writes only if it equals the current version.',
  },
  data: {
    type: 'map',
    sensitive: true,
    description: 'The secret: a JSON object stored as a new version (on patch, merged into the current one).',
  },
} as const;

/** Data operations map one to one onto Cedar actions. */
const ACTIONS: Record<Operation, Action> = {
  read: 'read',
  create: 'create',
  update: 'update',
  patch: 'patch',
  delete: 'delete',
  list: 'list',
};

/** `<mount>/data/:path+`: read, write, patch and soft-delete versions of a secret. */
export const pathData = (kv: KvContext) => {
  /** Appends a version under the path's lock, which the caller holds. */
  const append = async (
    store: VersionStore,
    path: string,
    meta: KeyMetadata,
    config: KvConfig,
    data: Record<string, unknown>,
  ): Promise<EngineResponse> => {
    const now = kv.clock.now();
    const entry = {
      created_time: new Date(now).toISOString(),
      deletion_time: scheduledDeletion(now, config, meta),
      destroyed: false,
    };
    const version = await store.addVersion(path, meta, data, config, entry);
    return { data: versionView(meta, version, entry) };
  };

  const write = async (req: EngineRequest<FieldValues<typeof fields>>): Promise<EngineResponse> => {
    const path = writablePath(req.data.path);
    const data = req.data.data;
    if (data === undefined) throw invalidRequest('no data provided');
    const store = kv.store(req);
    const config = await store.config();
    return kv.locks.run(path, async () => {
      const existing = await store.metadata(path);
      checkCas(req.data.options, config, existing);
      return append(store, path, existing ?? newMetadata(kv.nowIso()), config, data);
    });
  };

  return definePath({
    pattern: 'data/:path+',
    fields,
    authz: (req) => ({ action: ACTIONS[req.operation], resource: secretResource(req.mount, req.data.path) }),
    exists: async (req) => (await kv.store(req).metadata(req.data.path)) !== undefined,
    operations: {
      read: {
        summary: 'Read a version of a secret (the current one by default).',
        async handle(req) {
          const found = await readVersion(kv, req, req.data.path, req.data.version);
          const metadata = versionView(found.meta, found.version, found.entry);
          // Vault answers a deleted or destroyed version with 404 AND the envelope, so clients
          // can read `deletion_time` / `destroyed` (spec §0 trap 8).
          if (found.data === undefined) return { status: 404, data: { data: null, metadata } };
          return { data: { data: found.data, metadata } };
        },
      },
      create: { summary: 'Write the first version of a secret.', handle: write },
      update: { summary: 'Write a new version of a secret.', handle: write },
      patch: {
        summary: 'Merge-patch (RFC 7396) the current version into a new version.',
        async handle(req) {
          const path = writablePath(req.data.path);
          const patch = req.data.data;
          if (patch === undefined) throw invalidRequest('no data provided');
          const store = kv.store(req);
          const config = await store.config();
          return kv.locks.run(path, async () => {
            const meta = await store.metadata(path);
            if (meta === undefined) throw noSecret();
            checkCas(req.data.options, config, meta);
            const version = meta.current_version;
            const entry = meta.versions[String(version)];
            if (entry === undefined) throw noSecret();
            // As Vault does, the 404 for a deleted or destroyed current version carries its metadata.
            if (!isReadable(entry, kv.clock.now())) return { status: 404, data: versionView(meta, version, entry) };
            const current = await store.versionData(path, version);
            if (current === undefined) throw internalError('could not find version data');
            return append(store, path, meta, config, mergePatchObject(current, patch));
          });
        },
      },
      delete: {
        summary: 'Soft-delete the current version of a secret (undo with undelete/).',
        async handle(req) {
          const path = req.data.path;
          const store = kv.store(req);
          await kv.locks.run(path, async () => {
            const meta = await store.metadata(path);
            const entry = meta?.versions[String(meta.current_version)];
            if (meta === undefined || entry === undefined || !isReadable(entry, kv.clock.now())) return;
            entry.deletion_time = kv.nowIso();
            await store.putMetadata(path, meta);
          });
          return undefined;
        },
      },
    },
    help: {
      synopsis: 'Write, patch, read and delete versions of a secret.',
      description:
        'Each write creates a new version; `options.cas` makes the write conditional on the current ' +
        'version. Patch merges `data` into the current version (RFC 7396: null removes a key). ' +
        'A read returns the current version, or the one named by `version`. Delete is a soft ' +
        'delete of the current version and can be undone with undelete/.',
    },
  });
};
