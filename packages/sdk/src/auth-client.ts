import { requireBody, type Requester } from './transport.js';
import type { VaultAuthResponse } from './types.js';
import type { TokenLookupResponse } from './token-client.js';

/** What the auth methods need: requests, and a place to keep the token a login returns. */
export interface TokenHolder extends Requester {
  setToken(token: string | undefined): void;
}

/**
 * Logins (Vault's documented endpoints under `auth/<mount>/`). Each one stores the returned
 * `client_token` in the client, so the next call runs as the logged-in identity, and resolves to
 * the `auth` response (lease_duration and renewable feed a {@link LifetimeWatcher}).
 */
export class AuthClient {
  constructor(private readonly client: TokenHolder) {}

  /** Uses an existing token, checked with `auth/token/lookup-self` before it is kept. */
  async token(token: string): Promise<TokenLookupResponse> {
    const path = 'auth/token/lookup-self';
    const body = requireBody(await this.client.request<TokenLookupResponse>('GET', path, { token }), path);
    this.client.setToken(token);
    return body;
  }

  /** `POST auth/<mount>/login/:username` with `{ password }`. */
  async userpass(username: string, password: string, mount = 'userpass'): Promise<VaultAuthResponse> {
    return this.login(`auth/${trim(mount)}/login/${username}`, { password });
  }

  /** `POST auth/<mount>/login` with `{ role_id, secret_id }` (`secret_id` omitted when the role does not bind one). */
  async appRole(roleId: string, secretId?: string, mount = 'approle'): Promise<VaultAuthResponse> {
    return this.login(`auth/${trim(mount)}/login`, { role_id: roleId, ...(secretId !== undefined && { secret_id: secretId }) });
  }

  /**
   * `POST auth/<mount>/login`: TLS-certificate auth. The identity is the client certificate the
   * connection presents, so the client must be built with `tls.clientCert` and `tls.clientKey`.
   * `name` picks one certificate role; otherwise the server tries every role.
   */
  async cert(name?: string, mount = 'cert'): Promise<VaultAuthResponse> {
    return this.login(`auth/${trim(mount)}/login`, name === undefined ? {} : { name });
  }

  /** Any other method's login path; the body is sent as given. */
  async login(path: string, body: Record<string, unknown>): Promise<VaultAuthResponse> {
    // A login never carries the previous token: Vault would tie the new one to it.
    const res = requireBody(await this.client.request<VaultAuthResponse>('POST', path, { body, token: null }), path);
    this.client.setToken(res.auth.client_token);
    return res;
  }
}

function trim(mount: string): string {
  return mount.replace(/^\/+|\/+$/g, '');
}
