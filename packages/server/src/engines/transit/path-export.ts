import { createPrivateKey, type KeyObject } from 'node:crypto';
import { definePath } from '../../framework/engine.js';
import { invalidRequest, VaultError } from '../../errors.js';
import type { KeyRecord } from './key-record.js';
import { keyResource, type KeyStore } from './key-store.js';
import { KEY_TYPE_INFO, privateKeyOf, type KeyVersion } from './key-types.js';

/**
 * `export/:key_type/:name(/:version)`: key material in Vault's default formats
 * (https://developer.hashicorp.com/vault/api-docs/secret/transit#export-key). Private material
 * only leaves for `exportable` keys; public keys are always exportable.
 */
export const EXPORT_TYPES = ['encryption-key', 'signing-key', 'hmac-key', 'public-key'] as const;
type ExportType = (typeof EXPORT_TYPES)[number];

const isExportType = (value: string): value is ExportType => (EXPORT_TYPES as readonly string[]).includes(value);

const pem = (key: KeyObject, type: 'pkcs1' | 'sec1'): string => String(key.export({ format: 'pem', type }));

/** One version in the format Vault exports it. */
function exported(record: KeyRecord, version: KeyVersion, exportType: ExportType): string {
  const family = KEY_TYPE_INFO[record.type].family;
  switch (exportType) {
    case 'hmac-key':
      return version.hmacKey;
    case 'encryption-key':
      // RSA private keys as PKCS#1 "RSA PRIVATE KEY", as Vault writes them.
      return family === 'rsa' ? pem(privateKeyOf(record.type, version), 'pkcs1') : (version.key ?? '');
    case 'signing-key':
      if (family === 'ed25519') return version.key ?? '';
      if (family === 'ecdsa') return pem(createPrivateKey(version.privateKey ?? ''), 'sec1');
      return pem(privateKeyOf(record.type, version), 'pkcs1');
    case 'public-key':
      return version.publicKey ?? '';
  }
}

function checkExportable(record: KeyRecord, exportType: ExportType): void {
  const info = KEY_TYPE_INFO[record.type];
  if (exportType !== 'public-key' && !record.exportable) throw invalidRequest('private key material is not exportable');
  if (exportType === 'encryption-key' && !info.encryption) throw invalidRequest('encryption not supported for the key');
  if (exportType === 'signing-key' && !info.signing) throw invalidRequest('signing not supported for the key');
  if (exportType === 'public-key' && (info.family === 'aead' || info.family === 'hmac')) {
    throw invalidRequest('public key not available for key of type `' + record.type + '`');
  }
  if (exportType === 'public-key' && record.derived) throw invalidRequest('a derived key has no single public key');
}

export const pathExport = (keys: KeyStore) =>
  definePath({
    pattern: ['export/:key_type/:name', 'export/:key_type/:name/:version'],
    fields: {
      key_type: { type: 'string', description: `What to export: ${EXPORT_TYPES.join(', ')}.`, required: true },
      name: { type: 'string', description: 'Name of the key.', required: true },
      version: { type: 'string', description: 'A version number or `latest`; absent = every version.' },
    },
    authz: (req) => ({ action: 'read', resource: keyResource(req.mount, req.data.name) }),
    operations: {
      read: {
        summary: 'Export key material (only from exportable keys, except public keys).',
        async handle(req) {
          const d = req.data;
          if (!isExportType(d.key_type)) throw invalidRequest(`invalid export type \`${d.key_type}\``);
          const record = await keys.get(req.storage, d.name);
          if (record === undefined) throw new VaultError('not_found', '');
          checkExportable(record, d.key_type);
          const out: Record<string, string> = {};
          for (const v of selectVersions(record, d.version)) out[String(v)] = exported(record, record.versions[String(v)]!, d.key_type);
          return { data: { name: record.name, type: record.type, keys: out } };
        },
      },
    },
    help: {
      synopsis: 'Export named keys.',
      description:
        'encryption-key, signing-key and hmac-key need exportable=true; public-key works for every asymmetric key. ' +
        'Symmetric and ed25519 keys come as base64, ECDSA and RSA as PEM.',
    },
  });

function selectVersions(record: KeyRecord, version: string | undefined): number[] {
  if (version === undefined || version === '') return Object.keys(record.versions).map(Number);
  const v = version === 'latest' ? record.latestVersion : /^\d{1,9}$/.test(version) ? Number(version) : NaN;
  if (!Number.isInteger(v) || v < 1) throw invalidRequest('invalid key version');
  if (v < record.minDecryptionVersion) throw invalidRequest('version for export is below minimum decryption version');
  if (record.versions[String(v)] === undefined) throw invalidRequest('version does not exist or cannot be found');
  return [v];
}
