/** Constructor options of {@link VaultClient}. */
export interface VaultClientOptions {
  /** Default `process.env.VAULT_ADDR ?? 'http://127.0.0.1:8200'`. */
  address?: string;
  /** Default `process.env.VAULT_TOKEN`. */
  token?: string;
  /** Default `process.env.VAULT_NAMESPACE`; sent as `X-Vault-Namespace`. */
  namespace?: string;
  /** Injected fetch (tests, proxies); default the global one. */
  fetch?: typeof fetch;
  /** Per-request timeout in milliseconds; default 60 000 (Vault's client default). */
  timeoutMs?: number;
  /**
   * How LIST is sent. `'GET'` (default) sends `GET …?list=true`, which every Vault-compatible
   * server accepts. `'LIST'` sends the real verb: Node's fetch (undici) can send it, but Node's own
   * HTTP parser cannot receive it, so a Node server (SecretumVault included) answers it on a side
   * path that closes the connection, costing a reconnect per list.
   */
  listMethod?: 'GET' | 'LIST';
}

export const DEFAULT_ADDRESS = 'http://127.0.0.1:8200';
export const DEFAULT_TIMEOUT_MS = 60_000;
