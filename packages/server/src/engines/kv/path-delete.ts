import { definePath, type Action } from '../../framework/engine.js';
import { secretResource, type KvContext } from './kv-context.js';
import { isReadable, requireVersions, scheduledDeletion } from './version-rules.js';
import type { KeyMetadata, VersionStore } from './version-store.js';

const fields = (versionsDescription: string) =>
  ({
    path: { type: 'string', required: true, description: 'Location of the secret.' },
    versions: { type: 'ints', description: versionsDescription },
  }) as const;

type Apply = (store: VersionStore, path: string, meta: KeyMetadata, versions: number[]) => Promise<void>;

/** One of `delete/`, `undelete/`, `destroy/`: a `versions` list applied under the path's lock. */
const versionsPath = (
  kv: KvContext,
  spec: { segment: string; action: Action; summary: string; versions: string; synopsis: string; description: string },
  apply: Apply,
) =>
  definePath({
    pattern: `${spec.segment}/:path+`,
    fields: fields(spec.versions),
    authz: (req) => ({ action: spec.action, resource: secretResource(req.mount, req.data.path) }),
    operations: {
      update: {
        summary: spec.summary,
        async handle(req) {
          const versions = requireVersions(req.data.versions);
          const path = req.data.path;
          const store = kv.store(req);
          await kv.locks.run(path, async () => {
            const meta = await store.metadata(path);
            // Vault answers 204 for a secret that does not exist, and ignores unknown versions.
            if (meta !== undefined) await apply(store, path, meta, versions);
          });
          return undefined;
        },
      },
    },
    help: { synopsis: spec.synopsis, description: spec.description },
  });

/** `delete/`, `undelete/` and `destroy/`: change the state of listed versions of a secret. */
export const pathsDelete = (kv: KvContext) => [
  versionsPath(
    kv,
    {
      segment: 'delete',
      action: 'delete',
      summary: 'Soft-delete versions of a secret.',
      versions: 'The versions to mark deleted; their data is kept and can be restored with undelete/.',
      synopsis: 'Mark versions of a secret as deleted.',
      description: 'Deleted versions are no longer returned by reads, but their data is kept until destroyed or pruned.',
    },
    async (store, path, meta, versions) => {
      const now = kv.clock.now();
      let changed = false;
      for (const n of versions) {
        const entry = meta.versions[String(n)];
        if (entry === undefined || !isReadable(entry, now)) continue;
        entry.deletion_time = new Date(now).toISOString();
        changed = true;
      }
      if (changed) await store.putMetadata(path, meta);
    },
  ),
  versionsPath(
    kv,
    {
      segment: 'undelete',
      action: 'update',
      summary: 'Restore soft-deleted versions of a secret.',
      versions: 'The versions to restore; destroyed versions cannot be restored.',
      synopsis: 'Undelete versions of a secret.',
      description: 'Restores soft-deleted versions so reads return them again. Destroyed versions stay destroyed.',
    },
    async (store, path, meta, versions) => {
      const config = await store.config();
      const now = kv.clock.now();
      let changed = false;
      for (const n of versions) {
        const entry = meta.versions[String(n)];
        if (entry === undefined || entry.destroyed) continue;
        // A restored version is scheduled afresh when delete_version_after applies.
        entry.deletion_time = scheduledDeletion(now, config, meta);
        changed = true;
      }
      if (changed) await store.putMetadata(path, meta);
    },
  ),
  versionsPath(
    kv,
    {
      segment: 'destroy',
      action: 'delete',
      summary: 'Permanently remove the data of versions of a secret.',
      versions: 'The versions to destroy; their data is removed for good.',
      synopsis: 'Destroy versions of a secret.',
      description: 'Removes the data of the listed versions permanently; their metadata remains, marked destroyed.',
    },
    (store, path, meta, versions) => store.destroy(path, meta, versions),
  ),
];
