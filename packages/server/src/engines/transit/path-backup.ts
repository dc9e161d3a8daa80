import { definePath } from '../../framework/engine.js';
import { isPlainObject } from '../../framework/fields.js';
import { invalidRequest } from '../../errors.js';
import { decodeBase64 } from './codec.js';
import type { KeyRecord } from './key-record.js';
import { keyResource, mountResource, type KeyStore } from './key-store.js';
import { isKeyType } from './key-types.js';

/**
 * `backup/:name` and `restore(/:name)`
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#backup-key). A backup is the
 * whole key — every version's material — in plaintext (base64 JSON), so Vault only allows it for
 * keys that are both `exportable` and `allow_plaintext_backup`. Its format is ours, not Vault's.
 */
const BACKUP_FORMAT = 1;

interface Backup {
  format: number;
  key: KeyRecord;
}

/** Shape check of a decoded backup: anything else is a 400, never a crash later. */
function isBackup(value: unknown): value is Backup {
  if (!isPlainObject(value) || value['format'] !== BACKUP_FORMAT || !isPlainObject(value['key'])) return false;
  const key = value['key'];
  const versions = key['versions'];
  const latest = key['latestVersion'];
  return (
    typeof key['name'] === 'string' &&
    typeof key['type'] === 'string' &&
    isKeyType(key['type']) &&
    typeof latest === 'number' &&
    Number.isSafeInteger(latest) &&
    latest >= 1 &&
    isPlainObject(versions) &&
    isPlainObject(versions[String(latest)]) &&
    ['minDecryptionVersion', 'minEncryptionVersion', 'minAvailableVersion', 'autoRotatePeriod'].every(
      (f) => typeof key[f] === 'number',
    ) &&
    Object.values(versions).every((v) => isPlainObject(v) && typeof v['hmacKey'] === 'string')
  );
}

export const pathBackup = (keys: KeyStore) =>
  definePath({
    pattern: 'backup/:name',
    fields: { name: { type: 'string', description: 'Name of the key.', required: true } },
    authz: (req) => ({ action: 'read', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      read: {
        summary: 'Back up a key with all its versions, in plaintext.',
        async handle(req) {
          const now = new Date(keys.clock.now()).toISOString();
          const record = await keys.update(req.storage, req.data.name, (r) => {
            if (!r.exportable) throw invalidRequest('exporting is disallowed on the policy');
            if (!r.allowPlaintextBackup) throw invalidRequest('plaintext backup is disallowed on the policy');
            r.backupInfo = { time: now, version: r.latestVersion };
          });
          const backup: Backup = { format: BACKUP_FORMAT, key: record };
          return { data: { backup: Buffer.from(JSON.stringify(backup)).toString('base64') } };
        },
      },
    },
    help: {
      synopsis: 'Back up a named key.',
      description: 'Needs exportable and allow_plaintext_backup. The backup holds key material: store it like a key.',
    },
  });

export const pathRestore = (keys: KeyStore) =>
  definePath({
    pattern: ['restore', 'restore/:name'],
    fields: {
      name: { type: 'string', description: 'Restore under this name instead of the one in the backup.' },
      backup: { type: 'string', description: 'The base64 value backup/:name returned.', required: true, sensitive: true },
      force: { type: 'bool', description: 'Overwrite a key of the same name.', default: false },
    },
    // Without a name in the request the target is only known from the backup: ask for the mount.
    authz: (req) => ({
      action: 'configure',
      resource: req.data.name ? keyResource(req.mount, req.data.name) : mountResource(req.mount),
    }),
    operations: {
      update: {
        summary: 'Restore a key from a backup.',
        async handle(req) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(decodeBase64(req.data.backup, 'backup').toString('utf8'));
          } catch {
            throw invalidRequest('invalid backup');
          }
          if (!isBackup(parsed)) throw invalidRequest('invalid backup');
          const name = req.data.name || parsed.key.name;
          if (!/^[^/]+$/.test(name)) throw invalidRequest(`invalid key name \`${name}\``);
          await keys.locks.run(name, async () => {
            if (!req.data.force && (await keys.get(req.storage, name))) {
              throw invalidRequest(`key \`${name}\` already exists`);
            }
            const restored: KeyRecord = {
              ...parsed.key,
              name,
              restoreInfo: { time: new Date(keys.clock.now()).toISOString(), version: parsed.key.latestVersion },
            };
            await keys.put(req.storage, restored);
          });
          return undefined;
        },
      },
    },
    help: {
      synopsis: 'Restore a named key from a backup.',
      description: 'Refuses to overwrite an existing key unless force=true. The name may come from the path, the body or the backup.',
    },
  });
