import type { TokenCreateRequest, TokenLookupData } from './token-types.js';
import { requireBody, type Requester } from './transport.js';
import type { VaultAuthResponse, VaultResponse } from './types.js';

export type TokenLookupResponse = VaultResponse<TokenLookupData>;

/** The token auth method at `auth/token/` (spec/vault-api.md §2.9). */
export class TokenClient {
  constructor(private readonly client: Requester) {}

  /** A child of the calling token (or of the role's settings when `role_name` is given). */
  async create(request: TokenCreateRequest = {}): Promise<VaultAuthResponse> {
    const { role_name: role, ...body } = request;
    const path = role === undefined ? 'auth/token/create' : `auth/token/create/${role}`;
    return this.auth(path, body);
  }

  async createOrphan(request: Omit<TokenCreateRequest, 'role_name'> = {}): Promise<VaultAuthResponse> {
    return this.auth('auth/token/create-orphan', request);
  }

  async lookup(token: string): Promise<TokenLookupResponse> {
    return this.post<TokenLookupResponse>('auth/token/lookup', { token });
  }

  async lookupSelf(): Promise<TokenLookupResponse> {
    return requireBody(await this.client.request<TokenLookupResponse>('GET', 'auth/token/lookup-self'), 'auth/token/lookup-self');
  }

  async lookupAccessor(accessor: string): Promise<TokenLookupResponse> {
    return this.post<TokenLookupResponse>('auth/token/lookup-accessor', { accessor });
  }

  /** `increment`: a duration string (`"1h"`) or seconds. */
  async renew(token: string, increment?: string | number): Promise<VaultAuthResponse> {
    return this.auth('auth/token/renew', { token, ...(increment !== undefined && { increment }) });
  }

  async renewSelf(increment?: string | number): Promise<VaultAuthResponse> {
    return this.auth('auth/token/renew-self', increment === undefined ? {} : { increment });
  }

  /** Revokes the token, its children and their leases. */
  async revoke(token: string): Promise<void> {
    await this.client.request('POST', 'auth/token/revoke', { body: { token } });
  }

  async revokeSelf(): Promise<void> {
    await this.client.request('POST', 'auth/token/revoke-self');
  }

  async revokeAccessor(accessor: string): Promise<void> {
    await this.client.request('POST', 'auth/token/revoke-accessor', { body: { accessor } });
  }

  private async auth(path: string, body: object): Promise<VaultAuthResponse> {
    return this.post<VaultAuthResponse>(path, body);
  }

  private async post<T>(path: string, body: object): Promise<T> {
    return requireBody(await this.client.request<T>('POST', path, { body }), path);
  }
}
