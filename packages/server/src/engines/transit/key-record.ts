import { invalidRequest } from '../../errors.js';
import { decodeOptionalBase64 } from './codec.js';
import { deriveEd25519 } from './derive.js';
import { ed25519PublicBytes, KEY_TYPE_INFO, type KeyType, type KeyVersion } from './key-types.js';

/**
 * A named key and its versions as stored under `policy/<name>` (Vault keeps its "policies" at
 * the same place). Version rules follow
 * https://developer.hashicorp.com/vault/api-docs/secret/transit#update-key-configuration.
 */
export interface KeyRecord {
  name: string;
  type: KeyType;
  derived: boolean;
  exportable: boolean;
  allowPlaintextBackup: boolean;
  deletionAllowed: boolean;
  /** Seconds; 0 = never. */
  autoRotatePeriod: number;
  /** `type=hmac` only: key length in bytes. */
  keySize?: number;
  latestVersion: number;
  /** Always ≥ 1. */
  minDecryptionVersion: number;
  /** 0 = the latest version. */
  minEncryptionVersion: number;
  /** Versions below this were trimmed away; 0 = none trimmed. */
  minAvailableVersion: number;
  /** By version number. INVARIANT: holds every version from max(1, minAvailableVersion) to latestVersion. */
  versions: Record<string, KeyVersion>;
  /** Set when the key came from `restore` (Vault's `restore_info`). */
  restoreInfo?: { time: string; version: number };
  backupInfo?: { time: string; version: number };
}

/** The read/create/rotate/config response (`GET keys/:name`), Vault's shape. */
export function keyInfo(record: KeyRecord, context?: Buffer): Record<string, unknown> {
  const info = KEY_TYPE_INFO[record.type];
  const data: Record<string, unknown> = {
    name: record.name,
    type: record.type,
    derived: record.derived,
    deletion_allowed: record.deletionAllowed,
    exportable: record.exportable,
    allow_plaintext_backup: record.allowPlaintextBackup,
    latest_version: record.latestVersion,
    min_available_version: record.minAvailableVersion,
    min_decryption_version: record.minDecryptionVersion,
    min_encryption_version: record.minEncryptionVersion,
    supports_encryption: info.encryption,
    supports_decryption: info.encryption,
    supports_derivation: info.derivation,
    supports_signing: info.signing,
    auto_rotate_period: record.autoRotatePeriod,
    imported_key: false,
    keys: versionInfo(record, context),
  };
  if (record.keySize !== undefined) data['key_size'] = record.keySize;
  if (record.derived) {
    data['kdf'] = 'hkdf_sha256';
    data['convergent_encryption'] = false;
  }
  // Copies: a cached record is frozen and shared, and responses are the pipeline's to change.
  if (record.backupInfo) data['backup_info'] = { ...record.backupInfo };
  if (record.restoreInfo) data['restore_info'] = { ...record.restoreInfo };
  return data;
}

/**
 * `keys`: version → Unix seconds for symmetric keys; for asymmetric keys version →
 * `{name, public_key, creation_time, certificate_chain}`. A derived ed25519 key has no single
 * public key, so it is shown only for a given `context`, as Vault does.
 */
function versionInfo(record: KeyRecord, context: Buffer | undefined): Record<string, unknown> {
  const info = KEY_TYPE_INFO[record.type];
  const out: Record<string, unknown> = {};
  for (const [v, version] of Object.entries(record.versions)) {
    if (info.family === 'aead' || info.family === 'hmac') {
      out[v] = version.time;
      continue;
    }
    let publicKey = version.publicKey ?? '';
    if (record.derived && info.family === 'ed25519') {
      publicKey = context ? ed25519PublicBytes(deriveEd25519(version, context)).toString('base64') : '';
    }
    const name = info.family === 'ecdsa' ? (info.curve?.name ?? '') : record.type;
    out[v] = { name, public_key: publicKey, creation_time: version.creationTime, certificate_chain: '' };
  }
  return out;
}

/** The version `key_version` selects for encrypting, signing or HMAC: 0/absent = latest. */
export function encryptionVersion(record: KeyRecord, requested: number | undefined, what = 'encryption'): number {
  const version = requested === undefined || requested === 0 ? record.latestVersion : requested;
  if (version < 0) throw invalidRequest(`requested version for ${what} is negative`);
  if (version > record.latestVersion) {
    throw invalidRequest(`requested version for ${what} is higher than the latest key version`);
  }
  if (record.minEncryptionVersion > 0 && version < record.minEncryptionVersion) {
    throw invalidRequest(`requested version for ${what} is less than the minimum encryption key version`);
  }
  return version;
}

/** The stored version a ciphertext, signature or HMAC names, if policy still allows using it. */
export function decryptionVersion(record: KeyRecord, version: number): KeyVersion {
  if (version < record.minDecryptionVersion || version < record.minAvailableVersion) {
    throw invalidRequest('ciphertext or signature version is disallowed by policy (too old)');
  }
  const found = record.versions[String(version)];
  if (version > record.latestVersion || found === undefined) {
    throw invalidRequest('ciphertext or signature version is higher than the latest key version');
  }
  return found;
}

export function versionEntry(record: KeyRecord, version: number): KeyVersion {
  const found = record.versions[String(version)];
  if (found === undefined) throw invalidRequest(`key version \`${version}\` does not exist`);
  return found;
}

/**
 * The derivation context of a request: required (and only allowed to matter) for derived keys.
 * https://developer.hashicorp.com/vault/api-docs/secret/transit#context
 */
export function requestContext(record: KeyRecord, context: string | undefined): Buffer | undefined {
  const bytes = decodeOptionalBase64(context, 'context');
  if (record.derived && bytes === undefined) {
    throw invalidRequest(
      "missing 'context' for key derivation; the key was created using a derived key, which means additional, per-request information must be included in order to perform operations with the key",
    );
  }
  return record.derived ? bytes : undefined;
}

