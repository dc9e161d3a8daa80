import type { StorageView } from '../../storage/storage-view.js';
import { invalidRequest } from '../../errors.js';
import type { KeySpec } from './keys.js';
import { PkiCache } from './pki-cache.js';
import type { Role } from './role.js';
import { storageSerial } from './serial.js';

/**
 * The PKI engine's storage layout inside its mount view, and typed access to it:
 *
 *   keys/<key_id>          a private key (PKCS#8), with or without an issuer yet
 *   issuers/<issuer_id>    an issuer: its certificate, chain and key
 *   config/issuers         which issuer is `default`
 *   config/urls            AIA and CRL distribution point URLs
 *   roles/<name>           issuance roles (role.ts)
 *   certs/<xx-xx-…>        every stored certificate (issuers' own included)
 *   revoked/<xx-xx-…>      revocation records, read when the CRL is rebuilt
 *   crls/<issuer_id>       the current CRL of each issuer (DER, base64) and its number
 */

export interface KeyRecord extends KeySpec {
  id: string;
  name: string;
  /** PKCS#8 DER, base64. */
  pkcs8: string;
  /** SubjectPublicKeyInfo DER, base64: how set-signed finds the key of a certificate. */
  spki: string;
}

export interface IssuerRecord {
  id: string;
  name: string;
  /** Empty for an issuer imported without its key. */
  keyId: string;
  certificate: string;
  /** PEMs from this issuer's parent up to the root, when known. */
  parents: string[];
  serial: string;
  /** Unix ms. */
  notAfter: number;
}

export interface CertRecord {
  /** Plain hex serial. */
  serial: string;
  certificate: string;
  issuerId: string;
  /** Unix ms. */
  notAfter: number;
}

export interface RevocationRecord {
  serial: string;
  issuerId: string;
  /** Unix seconds, as Vault reports it. */
  revocationTime: number;
  notAfter: number;
}

export interface UrlsConfig {
  issuing_certificates: string[];
  crl_distribution_points: string[];
  ocsp_servers: string[];
}

const NO_URLS: UrlsConfig = Object.freeze({ issuing_certificates: [], crl_distribution_points: [], ocsp_servers: [] });

/**
 * Typed access to one request's view of the mount. Keys, issuers, roles and the two config
 * records go through the mount's {@link PkiCache} (what comes back is frozen); certificates,
 * revocations and CRLs, written per issuance or revocation and read rarely, do not.
 */
export class PkiStore {
  constructor(
    private readonly view: StorageView,
    readonly cache: PkiCache = new PkiCache(0),
  ) {}

  key(id: string) {
    return this.cachedGet<KeyRecord>(`keys/${id}`);
  }
  putKey(key: KeyRecord) {
    return this.cachedPut(`keys/${key.id}`, key);
  }
  async keys(): Promise<KeyRecord[]> {
    const ids = await this.view.list('keys/');
    return (await Promise.all(ids.map((id) => this.key(id)))).filter((k): k is KeyRecord => k !== undefined);
  }

  issuer(id: string) {
    return this.cachedGet<IssuerRecord>(`issuers/${id}`);
  }
  putIssuer(issuer: IssuerRecord) {
    return this.cachedPut(`issuers/${issuer.id}`, issuer);
  }
  async issuers(): Promise<IssuerRecord[]> {
    const ids = await this.view.list('issuers/');
    return (await Promise.all(ids.map((id) => this.issuer(id)))).filter((i): i is IssuerRecord => i !== undefined);
  }
  async defaultIssuerId(): Promise<string | undefined> {
    return (await this.cachedGet<{ default: string }>('config/issuers'))?.default;
  }
  setDefaultIssuer(id: string) {
    return this.cachedPut('config/issuers', { default: id });
  }

  role(name: string) {
    return this.cachedGet<Role>(`roles/${name}`);
  }
  putRole(name: string, role: Role) {
    return this.cachedPut(`roles/${name}`, role);
  }
  deleteRole(name: string) {
    return this.cachedWrite(`roles/${name}`, () => this.view.delete(`roles/${name}`));
  }
  roleNames() {
    return this.view.list('roles/');
  }

  /**
   * Resolves an issuer reference as Vault does: `default`, an issuer id or an issuer name.
   * Throws 400 when nothing matches.
   */
  async resolveIssuer(ref: string): Promise<IssuerRecord> {
    const id = ref === 'default' ? await this.defaultIssuerId() : ref;
    const byId = id === undefined ? undefined : await this.issuer(id);
    if (byId) return byId;
    if (ref === 'default') throw invalidRequest('no default issuer currently configured');
    const byName = (await this.issuers()).find((i) => i.name === ref);
    if (!byName) throw invalidRequest(`unable to find pki issuer for reference \`${ref}\``);
    return byName;
  }

  cert(serialHex: string) {
    return this.view.getJson<CertRecord>(`certs/${storageSerial(serialHex)}`);
  }
  putCert(cert: CertRecord) {
    return this.view.putJson(`certs/${storageSerial(cert.serial)}`, cert);
  }
  deleteCert(serialHex: string) {
    return this.view.delete(`certs/${storageSerial(serialHex)}`);
  }
  /** Stored serials in storage form (`xx-xx-…`). */
  certKeys() {
    return this.view.list('certs/');
  }

  revocation(serialHex: string) {
    return this.view.getJson<RevocationRecord>(`revoked/${storageSerial(serialHex)}`);
  }
  putRevocation(rec: RevocationRecord) {
    return this.view.putJson(`revoked/${storageSerial(rec.serial)}`, rec);
  }
  deleteRevocation(serialHex: string) {
    return this.view.delete(`revoked/${storageSerial(serialHex)}`);
  }
  async revocations(): Promise<RevocationRecord[]> {
    const keys = await this.view.list('revoked/');
    const recs = await Promise.all(keys.map((k) => this.view.getJson<RevocationRecord>(`revoked/${k}`)));
    return recs.filter((r): r is RevocationRecord => r !== undefined);
  }

  /** The current CRL of an issuer: DER and its CRL number. */
  async crl(issuerId: string): Promise<{ der: Uint8Array; number: number } | undefined> {
    const rec = await this.view.getJson<{ der: string; number: number }>(`crls/${issuerId}`);
    return rec === undefined ? undefined : { der: new Uint8Array(Buffer.from(rec.der, 'base64')), number: rec.number };
  }
  putCrl(issuerId: string, der: ArrayBuffer, number: number) {
    return this.view.putJson(`crls/${issuerId}`, { der: Buffer.from(der).toString('base64'), number });
  }

  async urls(): Promise<UrlsConfig> {
    return (await this.cachedGet<UrlsConfig>('config/urls')) ?? NO_URLS;
  }
  putUrls(urls: UrlsConfig) {
    return this.cachedPut('config/urls', urls);
  }

  /** The record at `key`, from the cache when it has it (frozen either way). */
  private async cachedGet<T>(key: string): Promise<T | undefined> {
    const hit = this.cache.get<T>(key);
    if (hit !== undefined) return hit ?? undefined;
    const stamp = this.cache.stamp(key);
    const value = await this.view.getJson<T>(key);
    return this.cache.fill(key, value ?? null, stamp) ?? undefined;
  }

  private cachedPut(key: string, value: unknown): Promise<void> {
    return this.cachedWrite(key, () => this.view.putJson(key, value));
  }

  /** INVARIANT: readers never keep a value read while this write was in flight. */
  private cachedWrite(key: string, write: () => Promise<void>): Promise<void> {
    return this.cache.write(key, write);
  }
}
