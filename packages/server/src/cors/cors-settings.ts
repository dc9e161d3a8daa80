import { internalError, invalidRequest } from '../errors.js';
import type { StorageView } from '../storage/storage-view.js';

/**
 * The headers a browser may always send (Vault's `StdAllowedHeaders`, shown in the sample
 * response of https://developer.hashicorp.com/vault/api-docs/system/config-cors);
 * `allowed_headers` is appended to these.
 */
export const STANDARD_ALLOWED_HEADERS: readonly string[] = [
  'Content-Type',
  'X-Requested-With',
  'X-Vault-AWS-IAM-Server-ID',
  'X-Vault-MFA',
  'X-Vault-No-Request-Forwarding',
  'X-Vault-Policy-Override',
  'X-Vault-Token',
  'Authorization',
  'X-Vault-Wrap-Format',
  'X-Vault-Wrap-TTL',
];

/** Where the configuration lives in the system backend's view (`sys/` + this), as in Vault. */
const KEY = 'config/cors';

/** What `sys/config/cors` reads and what is stored. */
export interface CorsDocument {
  enabled: boolean;
  allowed_origins?: string[];
  allowed_headers?: string[];
}

/**
 * The CORS configuration, in memory while unsealed: loaded from the barrier on unseal, dropped
 * on seal (like the quotas, quotas/quota-table.ts). Changes are written through before they
 * take effect. The HTTP layer reads it on every request (http/cors.ts).
 */
export class CorsSettings {
  /**
   * INVARIANT: when false the HTTP layer does no CORS work at all; it reads this one field per
   * request (the path the benchmarks measure).
   */
  enabled = false;
  /** `Access-Control-Allow-Headers` for preflights, joined once per change. */
  allowHeaders = '';
  private origins: ReadonlySet<string> = new Set();
  private anyOrigin = false;
  private document: CorsDocument = { enabled: false };
  private view: StorageView | undefined;

  /** On unseal (server.ts): `view` is the system backend's view, `barrier.view('sys/')`. */
  async load(view: StorageView): Promise<void> {
    this.view = view;
    this.use((await view.getJson<CorsDocument>(KEY)) ?? { enabled: false });
  }

  /** On seal: the configuration leaves memory and CORS is off until the next unseal. */
  clear(): void {
    this.view = undefined;
    this.use({ enabled: false });
  }

  /** Vault's read: the lists only while enabled. */
  describe(): CorsDocument {
    return structuredClone(this.document);
  }

  /** An exact match, or anything when the only origin is `*` (Vault's IsValidOrigin). */
  allows(origin: string): boolean {
    return this.anyOrigin || this.origins.has(origin);
  }

  /** Vault's Enable: at least one origin, and `*` only on its own; headers append to the standard ones. */
  async enable(origins: readonly string[], headers: readonly string[]): Promise<void> {
    const allowed = origins.filter((o) => o !== '');
    if (allowed.length === 0) throw invalidRequest('at least one origin or the wildcard must be provided');
    if (allowed.includes('*') && allowed.length > 1) {
      throw invalidRequest("to allow all origins the '*' must be the only value for allowed_origins");
    }
    const known = new Set(STANDARD_ALLOWED_HEADERS.map((h) => h.toLowerCase()));
    const extra = headers.filter((h) => h !== '' && !known.has(h.toLowerCase()));
    await this.save({ enabled: true, allowed_origins: allowed, allowed_headers: [...STANDARD_ALLOWED_HEADERS, ...extra] });
  }

  /** Vault's Disable: off, and the lists are forgotten. */
  disable(): Promise<void> {
    return this.save({ enabled: false });
  }

  private async save(document: CorsDocument): Promise<void> {
    if (this.view === undefined) throw internalError('cors settings used while sealed');
    await this.view.putJson(KEY, document);
    this.use(document);
  }

  private use(document: CorsDocument): void {
    this.document = document;
    const origins = document.enabled ? (document.allowed_origins ?? []) : [];
    this.origins = new Set(origins);
    this.anyOrigin = origins.length === 1 && origins[0] === '*';
    this.allowHeaders = document.enabled ? (document.allowed_headers ?? []).join(',') : '';
    // Last, so a request never sees `enabled` with the previous lists.
    this.enabled = document.enabled && origins.length > 0;
  }
}
