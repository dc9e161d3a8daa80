import type { StorageView } from '../../storage/storage-view.js';
import type { TokenSettings } from '../token-fields.js';

/** A trusted certificate entry as stored under `cert/<name>` (names are lowercased, as in Vault). */
export interface CertEntry {
  name: string;
  /** PEM: a CA (bundle) whose issued certificates may log in, or a leaf that may log in itself. */
  certificate: string;
  displayName: string;
  allowedNames: string[];
  allowedCommonNames: string[];
  allowedDnsSans: string[];
  allowedEmailSans: string[];
  allowedUriSans: string[];
  allowedOrganizationalUnits: string[];
  /** `oid:glob` pairs. */
  requiredExtensions: string[];
  /** OIDs whose string values are copied into the login metadata (dots become dashes). */
  allowedMetadataExtensions: string[];
  token: TokenSettings;
}

/** A CRL as stored under `crls/<name>`: its revoked serials, decimal, as Vault keeps them. */
export interface CrlEntry {
  serials: string[];
}

/** The mount's `config`. */
export interface CertConfig {
  disableBinding: boolean;
  enableIdentityAliasMetadata: boolean;
}

export const normaliseName = (name: string) => name.toLowerCase();

const certKey = (name: string) => `cert/${name}`;
const crlKey = (name: string) => `crls/${name}`;

export const readCert = (s: StorageView, name: string) => s.getJson<CertEntry>(certKey(name));
export const writeCert = (s: StorageView, entry: CertEntry) => s.putJson(certKey(entry.name), entry);
export const deleteCert = (s: StorageView, name: string) => s.delete(certKey(name));
export const listCerts = async (s: StorageView) => (await s.list('cert/')).filter((k) => !k.endsWith('/'));

export const readCrl = (s: StorageView, name: string) => s.getJson<CrlEntry>(crlKey(name));
export const writeCrl = (s: StorageView, name: string, entry: CrlEntry) => s.putJson(crlKey(name), entry);
export const deleteCrl = (s: StorageView, name: string) => s.delete(crlKey(name));
export const listCrls = async (s: StorageView) => (await s.list('crls/')).filter((k) => !k.endsWith('/'));

export async function readConfig(s: StorageView): Promise<CertConfig> {
  return (await s.getJson<CertConfig>('config')) ?? { disableBinding: false, enableIdentityAliasMetadata: false };
}
export const writeConfig = (s: StorageView, c: CertConfig) => s.putJson('config', c);

/** Every serial revoked by a stored CRL. */
export async function revokedSerials(s: StorageView): Promise<ReadonlySet<string>> {
  const out = new Set<string>();
  for (const name of await listCrls(s)) for (const serial of (await readCrl(s, name))?.serials ?? []) out.add(serial);
  return out;
}
