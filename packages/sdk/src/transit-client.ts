import { requireBody, type Requester } from './transport.js';
import type { VaultResponse } from './types.js';

export interface TransitEncryptOptions {
  /** Base64 derivation context, for derived keys. */
  context?: string;
  key_version?: number;
}

/** A transit engine mount (default `transit/`): encryption as a service, keys never leave the server. */
export class TransitClient {
  readonly mount: string;

  constructor(
    private readonly client: Requester,
    mount = 'transit',
  ) {
    this.mount = mount.replace(/^\/+|\/+$/g, '');
  }

  async createKey(name: string, options: { type?: string; exportable?: boolean; derived?: boolean } = {}): Promise<void> {
    await this.client.request('POST', `${this.mount}/keys/${name}`, { body: options });
  }

  async rotateKey(name: string): Promise<void> {
    await this.client.request('POST', `${this.mount}/keys/${name}/rotate`);
  }

  /** Encrypts `plaintext` (text is UTF-8 encoded) and returns `vault:v<N>:…`. */
  async encrypt(key: string, plaintext: string | Uint8Array, options: TransitEncryptOptions = {}): Promise<string> {
    const path = `${this.mount}/encrypt/${key}`;
    const body = { plaintext: Buffer.from(plaintext).toString('base64'), ...options };
    return requireBody(await this.client.request<VaultResponse<{ ciphertext: string }>>('POST', path, { body }), path).data.ciphertext;
  }

  /** Decrypts to bytes; `decryptText` for UTF-8. */
  async decrypt(key: string, ciphertext: string, options: Pick<TransitEncryptOptions, 'context'> = {}): Promise<Buffer> {
    const path = `${this.mount}/decrypt/${key}`;
    const res = requireBody(await this.client.request<VaultResponse<{ plaintext: string }>>('POST', path, { body: { ciphertext, ...options } }), path);
    return Buffer.from(res.data.plaintext, 'base64');
  }

  async decryptText(key: string, ciphertext: string, options: Pick<TransitEncryptOptions, 'context'> = {}): Promise<string> {
    return (await this.decrypt(key, ciphertext, options)).toString('utf8');
  }

  /** Re-encrypts under the key's latest version without revealing the plaintext. */
  async rewrap(key: string, ciphertext: string): Promise<string> {
    const path = `${this.mount}/rewrap/${key}`;
    return requireBody(await this.client.request<VaultResponse<{ ciphertext: string }>>('POST', path, { body: { ciphertext } }), path).data.ciphertext;
  }
}
