import { definePath, type Action, type EngineRequest, type EngineResponse, type Operation } from '../../framework/engine.js';
import { formatDuration } from '../../framework/duration.js';
import type { FieldValues } from '../../framework/fields.js';
import { invalidRequest } from '../../errors.js';
import { parseCustomMetadata, parseCustomMetadataPatch, validateCustomMetadata } from './custom-metadata.js';
import { listPrefix, noSecret, secretResource, writablePath, type KvContext } from './kv-context.js';
import { newMetadata, type KeyMetadata, type KvConfig } from './version-store.js';

const fields = {
  path: { type: 'string', required: true, description: 'Location of the secret, or the folder to list.' },
  max_versions: {
    type: 'int',
    description: "The number of versions to keep for this key; 0 uses the mount's max_versions.",
  },
  cas_required: {
    type: 'bool',
    description: "If true, writes to this key must carry the cas option; if false, the mount's setting applies.",
  },
  delete_version_after: {
    type: 'duration',
    description: "How long after its creation a version of this key is deleted; the mount's value wins when smaller. 0 clears it.",
  },
  custom_metadata: {
    type: 'map',
    description: 'User-provided string pairs describing the secret (at most 64; keys up to 128 bytes, values up to 512).',
  },
  after: { type: 'string', description: 'LIST only: return keys sorting after this one (which need not exist).' },
  limit: { type: 'int', description: 'LIST only: return at most this many keys; 0 or absent returns all.' },
} as const;

type Req = EngineRequest<FieldValues<typeof fields>>;

const ACTIONS: Record<Operation, Action> = {
  read: 'read',
  list: 'list',
  create: 'update',
  update: 'update',
  patch: 'update',
  delete: 'delete',
};

const CAS_IGNORED = '`cas_required` set to false, but the mount config requires check-and-set; the mount setting applies';

/** Applies the settings fields common to write and patch; custom_metadata is handled by each. */
function applySettings(req: Req, meta: KeyMetadata): void {
  const { max_versions, cas_required, delete_version_after } = req.data;
  if (max_versions !== undefined) {
    if (max_versions < 0) throw invalidRequest('`max_versions` must not be negative');
    meta.max_versions = max_versions;
  }
  if (cas_required !== undefined) meta.cas_required = cas_required;
  if (delete_version_after !== undefined) meta.delete_version_after = delete_version_after;
}

const casWarning = (req: Req, config: KvConfig): EngineResponse | undefined =>
  req.data.cas_required === false && config.cas_required ? { warnings: [CAS_IGNORED] } : undefined;

function metadataView(meta: KeyMetadata): Record<string, unknown> {
  const versions = Object.fromEntries(
    Object.entries(meta.versions).map(([n, v]) => [
      n,
      { created_time: v.created_time, deletion_time: v.deletion_time, destroyed: v.destroyed },
    ]),
  );
  return {
    cas_required: meta.cas_required,
    created_time: meta.created_time,
    current_version: meta.current_version,
    custom_metadata: meta.custom_metadata,
    delete_version_after: formatDuration(meta.delete_version_after),
    max_versions: meta.max_versions,
    oldest_version: meta.oldest_version,
    updated_time: meta.updated_time,
    versions,
  };
}

/** `<mount>/metadata/:path*`: list secrets, and read, set, patch or delete a secret's metadata. */
export const pathMetadata = (kv: KvContext) => {
  const write = async (req: Req): Promise<EngineResponse | undefined> => {
    const path = writablePath(req.data.path);
    const { max_versions, cas_required, delete_version_after, custom_metadata } = req.data;
    // As in Vault, a write that sets nothing changes nothing (and creates nothing).
    if ([max_versions, cas_required, delete_version_after, custom_metadata].every((v) => v === undefined)) return undefined;
    const pairs = custom_metadata === undefined ? undefined : parseCustomMetadata(custom_metadata);
    const store = kv.store(req);
    const config = await store.config();
    await kv.locks.run(path, async () => {
      const meta = (await store.metadata(path)) ?? newMetadata(kv.nowIso());
      applySettings(req, meta);
      if (pairs !== undefined) meta.custom_metadata = validateCustomMetadata(pairs);
      await store.putMetadata(path, meta);
    });
    return casWarning(req, config);
  };

  return definePath({
    pattern: 'metadata/:path*',
    fields,
    authz: (req) => ({ action: ACTIONS[req.operation], resource: secretResource(req.mount, req.data.path) }),
    exists: async (req) => (await kv.store(req).metadata(req.data.path)) !== undefined,
    operations: {
      list: {
        summary: 'List the secrets and folders under a folder.',
        async handle(req) {
          const { after, limit } = req.data;
          let keys = await kv.store(req).list(listPrefix(req.data.path));
          if (after !== undefined) keys = keys.filter((k) => k > after);
          if (limit !== undefined && limit > 0) keys = keys.slice(0, limit);
          // An empty LIST is a 404 with `{"errors":[]}` (spec §0 trap 3).
          if (keys.length === 0) throw noSecret();
          return { data: { keys } };
        },
      },
      read: {
        summary: "Read a secret's metadata and the state of its versions.",
        async handle(req) {
          const meta = await kv.store(req).metadata(req.data.path);
          if (meta === undefined) throw noSecret();
          return { data: metadataView(meta) };
        },
      },
      create: { summary: "Create a secret's metadata without writing a version.", handle: write },
      update: { summary: "Update a secret's metadata; no new version is written.", handle: write },
      patch: {
        summary: "Merge-patch a secret's metadata; custom_metadata keys set to null are removed.",
        async handle(req) {
          const path = writablePath(req.data.path);
          const { custom_metadata } = req.data;
          const pairs = custom_metadata === undefined ? undefined : parseCustomMetadataPatch(custom_metadata);
          // In a merge patch a top-level null clears the member; field parsing reads null as absent.
          const clearCustom = req.raw['custom_metadata'] === null;
          const store = kv.store(req);
          const config = await store.config();
          await kv.locks.run(path, async () => {
            const meta = await store.metadata(path);
            if (meta === undefined) throw noSecret();
            applySettings(req, meta);
            if (clearCustom) meta.custom_metadata = null;
            if (pairs !== undefined) {
              const merged = new Map(Object.entries(meta.custom_metadata ?? {}));
              for (const [key, value] of Object.entries(pairs)) {
                if (value === null) merged.delete(key);
                else merged.set(key, value);
              }
              meta.custom_metadata = validateCustomMetadata(Object.fromEntries(merged));
            }
            await store.putMetadata(path, meta);
          });
          return casWarning(req, config);
        },
      },
      delete: {
        summary: 'Delete a secret for good: its metadata and every version.',
        async handle(req) {
          const path = req.data.path;
          const store = kv.store(req);
          await kv.locks.run(path, async () => {
            if ((await store.metadata(path)) !== undefined) await store.deleteAll(path);
          });
          return undefined;
        },
      },
    },
    help: {
      synopsis: 'Manage key metadata and settings in the KV store.',
      description:
        'LIST returns the secrets and folders under a path (folders end in `/`). GET returns a ' +
        "secret's metadata and the state of every kept version. POST sets max_versions, " +
        'cas_required, delete_version_after and custom_metadata without writing a version; PATCH ' +
        'merges them. DELETE removes the metadata and all versions permanently.',
    },
  });
};
