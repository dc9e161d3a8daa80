import { requireBody, type Requester } from './transport.js';
import type { VaultResponse } from './types.js';

/** `POST ssh/sign/:role` (Vault's SSH secrets engine, CA mode). */
export interface SshSignRequest {
  /** The OpenSSH public key to certify (`ssh-ed25519 AAAA… comment`). */
  public_key: string;
  /** Comma-separated principals; default the role's. */
  valid_principals?: string;
  cert_type?: 'user' | 'host';
  /** Duration string or seconds. */
  ttl?: string | number;
  key_id?: string;
  critical_options?: Record<string, string>;
  extensions?: Record<string, string>;
}

export interface SshSignedKey {
  serial_number: string;
  /** The OpenSSH certificate (`ssh-ed25519-cert-v01@openssh.com AAAA…`). */
  signed_key: string;
}

/** An SSH secrets engine mount (default `ssh/`). */
export class SshClient {
  readonly mount: string;

  constructor(
    private readonly client: Requester,
    mount = 'ssh',
  ) {
    this.mount = mount.replace(/^\/+|\/+$/g, '');
  }

  async sign(role: string, request: SshSignRequest): Promise<SshSignedKey> {
    const path = `${this.mount}/sign/${role}`;
    return requireBody(await this.client.request<VaultResponse<SshSignedKey>>('POST', path, { body: request }), path).data;
  }

  /** The CA's public key, for servers' `TrustedUserCAKeys`. */
  async caPublicKey(): Promise<string> {
    const path = `${this.mount}/config/ca`;
    return requireBody(await this.client.request<VaultResponse<{ public_key: string }>>('GET', path), path).data.public_key;
  }
}
