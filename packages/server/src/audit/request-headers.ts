import { invalidRequest } from '../errors.js';
import { KeyedMutex } from '../framework/keyed-mutex.js';
import type { StorageView } from '../storage/storage-view.js';
import type { AuditedHeader } from './audit-event.js';

/** One configured header (Vault's `auditedHeaderSettings`). */
export interface HeaderSettings {
  readonly hmac: boolean;
}

/** Where Vault keeps the configuration in the system backend's view (`sys/` + this). */
const STORAGE_KEY = 'audited-headers-config/audited-headers';

/**
 * Headers that carry a token. Vault drops the token's header from the request before auditing
 * once the token is checked, but not when the check fails; here, if an operator lists either,
 * its value is HMAC'd whatever `hmac` says, so no entry ever holds a raw token.
 */
const TOKEN_HEADERS: ReadonlySet<string> = new Set(['x-vault-token', 'authorization']);

/**
 * `sys/config/auditing/request-headers` (Vault's api-docs/system/config-auditing): which request
 * headers audit entries record, each raw or HMAC'd. Names are case-insensitive and kept
 * lower-case (as HTTP/2 sends them and as Vault stores them). Loaded on unseal, dropped on seal.
 */
export class AuditedHeaders {
  private view: StorageView | undefined;
  private settings = new Map<string, HeaderSettings>();
  /** The configured headers as {@link select} walks them, token headers already forced to HMAC. */
  private wanted: readonly { readonly name: string; readonly hmac: boolean }[] = [];
  private readonly writes = new KeyedMutex();

  /** On unseal (server.ts): `view` is the system backend's view, `barrier.view('sys/')`. */
  async load(view: StorageView): Promise<void> {
    const stored = (await view.getJson<Record<string, HeaderSettings>>(STORAGE_KEY)) ?? {};
    this.view = view;
    this.use(new Map(Object.entries(stored).map(([name, s]) => [name.toLowerCase(), { hmac: s.hmac === true }])));
  }

  clear(): void {
    this.view = undefined;
    this.use(new Map());
  }

  /** Every configured header, by lower-case name. */
  list(): Record<string, HeaderSettings> {
    return Object.fromEntries(this.settings);
  }

  get(name: string): HeaderSettings | undefined {
    return this.settings.get(name.toLowerCase());
  }

  set(name: string, hmac: boolean): Promise<void> {
    return this.change((next) => next.set(headerName(name), { hmac }));
  }

  remove(name: string): Promise<void> {
    return this.change((next) => next.delete(headerName(name)));
  }

  /**
   * The configured headers this request carries, as its audit entries record them; undefined
   * when none is configured (one check: the common case does no work) or none is present.
   * `headers` has lower-case names (VaultRequest.headers).
   */
  select(headers: Readonly<Record<string, string | undefined>>): Readonly<Record<string, AuditedHeader>> | undefined {
    if (this.wanted.length === 0) return undefined;
    let out: Record<string, AuditedHeader> | undefined;
    for (const { name, hmac } of this.wanted) {
      const value = headers[name];
      if (value !== undefined) (out ??= {})[name] = { values: [value], hmac };
    }
    return out;
  }

  private change(edit: (next: Map<string, HeaderSettings>) => void): Promise<void> {
    return this.writes.run('', async () => {
      if (this.view === undefined) throw new Error('audited headers used while sealed');
      const next = new Map(this.settings);
      edit(next);
      await this.view.putJson(STORAGE_KEY, Object.fromEntries(next));
      this.use(next);
    });
  }

  private use(settings: Map<string, HeaderSettings>): void {
    this.settings = settings;
    this.wanted = [...settings].map(([name, s]) => ({ name, hmac: s.hmac || TOKEN_HEADERS.has(name) }));
  }
}

/** A header name as stored; empty is refused as Vault does (`missing header name`). */
function headerName(name: string): string {
  const lower = name.trim().toLowerCase();
  if (lower === '') throw invalidRequest('missing header name');
  return lower;
}
