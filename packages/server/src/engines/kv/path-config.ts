import { definePath } from '../../framework/engine.js';
import { formatDuration } from '../../framework/duration.js';
import { invalidRequest } from '../../errors.js';
import { secretResource, type KvContext } from './kv-context.js';

/** Serialises config writes with one lock key that no secret path can take. */
const CONFIG_LOCK = '\u0000config';

/** `<mount>/config`: mount-wide KV v2 settings. The Cedar resource is the mount itself. */
export const pathConfig = (kv: KvContext) =>
  definePath({
    pattern: 'config',
    fields: {
      max_versions: {
        type: 'int',
        description: 'The number of versions to keep for each key; 0 keeps 10. A key\'s own max_versions overrides it.',
      },
      cas_required: {
        type: 'bool',
        description: 'If true, every write to every key must carry the cas option.',
      },
      delete_version_after: {
        type: 'duration',
        description: 'How long after its creation a version is deleted; "0s" (the default) never deletes.',
      },
    },
    authz: (req) => ({
      action: req.operation === 'read' ? 'read' : 'configure',
      resource: secretResource(req.mount, ''),
    }),
    operations: {
      read: {
        summary: 'Read the mount-wide KV settings.',
        async handle(req) {
          const config = await kv.store(req).config();
          return {
            data: {
              cas_required: config.cas_required,
              delete_version_after: formatDuration(config.delete_version_after),
              max_versions: config.max_versions,
            },
          };
        },
      },
      update: {
        summary: 'Configure settings applied to every key of the mount.',
        async handle(req) {
          const { max_versions, cas_required, delete_version_after } = req.data;
          if (max_versions !== undefined && max_versions < 0) {
            throw invalidRequest('`max_versions` must not be negative');
          }
          const store = kv.store(req);
          await kv.locks.run(CONFIG_LOCK, async () => {
            const config = await store.config();
            await store.putConfig({
              max_versions: max_versions ?? config.max_versions,
              cas_required: cas_required ?? config.cas_required,
              delete_version_after: delete_version_after ?? config.delete_version_after,
            });
          });
          return undefined;
        },
      },
    },
    help: {
      synopsis: 'Configure settings for the KV store.',
      description:
        'Mount-wide settings applied to every key: max_versions (0 keeps 10), cas_required and ' +
        'delete_version_after (a duration; "0s" never deletes). A key\'s metadata can override them.',
    },
  });
