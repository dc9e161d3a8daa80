import { definePath } from '../../framework/engine.js';
import { isPlainObject } from '../../framework/fields.js';
import { invalidRequest } from '../../errors.js';
import { secretResource, type KvContext } from './kv-context.js';
import { readVersion } from './read-version.js';
import { versionView } from './version-rules.js';

/**
 * The shape of a secret without its values: every leaf (a non-object, or an empty object)
 * becomes null, and so does every object at `maxDepth` (0 = no limit). Builds a new tree, so
 * no value of the input can leak into the output.
 */
export function subkeys(data: Record<string, unknown>, maxDepth: number, depth = 1): Record<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(data)) {
    const descend = isPlainObject(value) && Object.keys(value).length > 0 && (maxDepth === 0 || depth < maxDepth);
    out.set(key, descend ? subkeys(value, maxDepth, depth + 1) : null);
  }
  return Object.fromEntries(out);
}

/** `<mount>/subkeys/:path+`: the key structure of a version, values removed. */
export const pathSubkeys = (kv: KvContext) =>
  definePath({
    pattern: 'subkeys/:path+',
    fields: {
      path: { type: 'string', required: true, description: 'Location of the secret.' },
      version: { type: 'int', description: 'The version to describe; 0 or absent describes the current version.' },
      depth: {
        type: 'int',
        description: 'The deepest nesting level to return; deeper objects are shown as null. 0 or absent: no limit.',
      },
    },
    authz: (req) => ({ action: 'read', resource: secretResource(req.mount, req.data.path) }),
    operations: {
      read: {
        summary: 'Read the subkeys of a secret version, with every value replaced by null.',
        async handle(req) {
          const depth = req.data.depth ?? 0;
          if (depth < 0) throw invalidRequest('`depth` must not be negative');
          const found = await readVersion(kv, req, req.data.path, req.data.version);
          const metadata = versionView(found.meta, found.version, found.entry);
          if (found.data === undefined) return { status: 404, data: { subkeys: null, metadata } };
          return { data: { subkeys: subkeys(found.data, depth), metadata } };
        },
      },
    },
    help: {
      synopsis: 'Read the structure of a secret with its values removed.',
      description:
        'Returns the keys of a version with every leaf value replaced by null. `version` selects ' +
        'the version (default: current); `depth` limits the nesting returned (0: no limit).',
    },
  });
