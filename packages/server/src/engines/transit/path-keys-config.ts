import { definePath } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import { keyInfo, type KeyRecord } from './key-record.js';
import { addVersion, checkAutoRotatePeriod, keyResource, type KeyStore } from './key-store.js';

/**
 * `keys/:name/config`, `keys/:name/rotate` and `keys/:name/trim`: the key's version window and
 * lifecycle (https://developer.hashicorp.com/vault/api-docs/secret/transit#update-key-configuration).
 */
export const pathKeysConfig = (keys: KeyStore) =>
  definePath({
    pattern: 'keys/:name/config',
    fields: {
      name: { type: 'string', description: 'Name of the key.', required: true },
      min_decryption_version: { type: 'int', description: 'Oldest version that may decrypt or verify (0 means 1).' },
      min_encryption_version: { type: 'int', description: 'Oldest version that may encrypt, sign or HMAC; 0 = latest.' },
      deletion_allowed: { type: 'bool', description: 'Whether DELETE keys/:name may delete the key.' },
      exportable: { type: 'bool', description: 'Allow export; once true it cannot be unset.' },
      allow_plaintext_backup: { type: 'bool', description: 'Allow plaintext backup; once true it cannot be unset.' },
      auto_rotate_period: { type: 'duration', description: 'Rotate automatically after this long; 0 disables, else ≥ 1h.' },
    },
    authz: (req) => ({ action: 'configure', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: 'Tune a key’s version window, deletion and export settings.',
        async handle(req) {
          const d = req.data;
          const warnings: string[] = [];
          const record = await keys.update(req.storage, d.name, (r) => {
            if (d.min_decryption_version !== undefined) {
              if (d.min_decryption_version < 0) throw invalidRequest('min decryption version cannot be negative');
              const min = d.min_decryption_version === 0 ? 1 : d.min_decryption_version;
              if (d.min_decryption_version === 0) warnings.push('transit key numbering starts at 1; forcing minimum to 1');
              if (min > r.latestVersion) {
                throw invalidRequest(`cannot set min decryption version of ${min}, latest key version is ${r.latestVersion}`);
              }
              r.minDecryptionVersion = min;
            }
            if (d.min_encryption_version !== undefined) {
              if (d.min_encryption_version < 0) throw invalidRequest('min encryption version cannot be negative');
              if (d.min_encryption_version > r.latestVersion) {
                throw invalidRequest(
                  `cannot set min encryption version of ${d.min_encryption_version}, latest key version is ${r.latestVersion}`,
                );
              }
              r.minEncryptionVersion = d.min_encryption_version;
            }
            checkWindow(r);
            if (d.deletion_allowed !== undefined) r.deletionAllowed = d.deletion_allowed;
            // Vault: exportable and allow_plaintext_backup are one-way switches.
            if (d.exportable === false && r.exportable) throw invalidRequest('export cannot be disabled once enabled');
            if (d.exportable) r.exportable = true;
            if (d.allow_plaintext_backup === false && r.allowPlaintextBackup) {
              throw invalidRequest('plaintext backup cannot be disabled once enabled');
            }
            if (d.allow_plaintext_backup) r.allowPlaintextBackup = true;
            if (d.auto_rotate_period !== undefined) {
              checkAutoRotatePeriod(d.auto_rotate_period);
              r.autoRotatePeriod = d.auto_rotate_period;
            }
          });
          return { data: keyInfo(record), ...(warnings.length > 0 && { warnings }) };
        },
      },
    },
    help: {
      synopsis: 'Configure a named key.',
      description:
        'min_decryption_version must not exceed the latest version; min_encryption_version is 0 (latest) or at least ' +
        'min_decryption_version; neither may fall below min_available_version. exportable and ' +
        'allow_plaintext_backup cannot be turned off again.',
    },
  });

/** The config rules that relate the three minimums (Vault's pathKeysConfigWrite). */
function checkWindow(r: KeyRecord): void {
  if (r.minEncryptionVersion > 0 && r.minEncryptionVersion < r.minDecryptionVersion) {
    throw invalidRequest(
      `min encryption version of ${r.minEncryptionVersion} must be greater than or equal to min decryption version of ${r.minDecryptionVersion}`,
    );
  }
  if (r.minAvailableVersion > 0 && r.minEncryptionVersion > 0 && r.minAvailableVersion > r.minEncryptionVersion) {
    throw invalidRequest('min encryption version should not be less than min available version');
  }
  if (r.minAvailableVersion > r.minDecryptionVersion) {
    throw invalidRequest('min decryption version should not be less than min available version');
  }
}

export const pathKeysRotate = (keys: KeyStore) =>
  definePath({
    pattern: 'keys/:name/rotate',
    fields: { name: { type: 'string', description: 'Name of the key.', required: true } },
    authz: (req) => ({ action: 'rotate', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: 'Add a new version and make it the one used for encryption and signing.',
        async handle(req) {
          return { data: keyInfo(await keys.update(req.storage, req.data.name, (r) => addVersion(r, keys.clock))) };
        },
      },
    },
    help: {
      synopsis: 'Rotate a named key.',
      description: 'New data uses the new version; existing ciphertext still decrypts and can be moved with rewrap/:name.',
    },
  });

export const pathKeysTrim = (keys: KeyStore) =>
  definePath({
    pattern: 'keys/:name/trim',
    fields: {
      name: { type: 'string', description: 'Name of the key.', required: true },
      min_available_version: { type: 'int', description: 'Delete every version below this one for good.', required: true },
    },
    authz: (req) => ({ action: 'configure', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: 'Delete old key versions permanently.',
        async handle(req) {
          const min = req.data.min_available_version;
          const record = await keys.update(req.storage, req.data.name, (r) => {
            if (min < 0) throw invalidRequest('minimum available version cannot be negative');
            if (min === 0) throw invalidRequest('minimum available version should be positive');
            if (min < r.minAvailableVersion) throw invalidRequest('minimum available version cannot be decremented');
            if (r.minEncryptionVersion === 0) {
              throw invalidRequest('minimum available version cannot be set when minimum encryption version is not set');
            }
            if (min > r.minEncryptionVersion) {
              throw invalidRequest('minimum available version cannot be greater than minimum encryption version');
            }
            if (min > r.minDecryptionVersion) {
              throw invalidRequest('minimum available version cannot be greater than minimum decryption version');
            }
            for (const v of Object.keys(r.versions)) if (Number(v) < min) delete r.versions[v];
            r.minAvailableVersion = min;
          });
          return { data: keyInfo(record) };
        },
      },
    },
    help: {
      synopsis: 'Trim old versions of a key.',
      description:
        'Versions below min_available_version are deleted and can never decrypt again. It may not exceed ' +
        'min_encryption_version (which must be set) or min_decryption_version.',
    },
  });
