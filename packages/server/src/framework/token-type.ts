import { invalidRequest } from '../errors.js';

/**
 * A token's type (https://developer.hashicorp.com/vault/docs/concepts/tokens#token-types-in-detail):
 * `service` tokens are stored and support everything; `batch` tokens carry their own entry,
 * encrypted, and are never stored.
 */
export type TokenType = 'service' | 'batch';

/**
 * What a token role or an auth mount asks for (`token_type`): a type, or a default that a more
 * specific setting (the request, the auth method's role) may override.
 */
export type TokenTypeSetting = TokenType | 'default-service' | 'default-batch';

/**
 * Parses a `token_type` value. '' and Vault's `default` mean `default-service`; anything else
 * outside the four values is a 400.
 */
export function parseTokenTypeSetting(value: string): TokenTypeSetting {
  switch (value) {
    case '':
    case 'default':
    case 'default-service':
      return 'default-service';
    case 'default-batch':
    case 'service':
    case 'batch':
      return value;
    default:
      throw invalidRequest(`invalid \`token_type\` value \`${value}\``);
  }
}

/**
 * The type of a token issued by a login: the mount's `service` or `batch` wins; its defaults
 * yield to what the auth method's role asked for. Mirrors Vault's router (routing/router.go,
 * the `TokenType` switch on the mount config); `undefined` or `default` means "not set".
 */
export function loginTokenType(mount: TokenTypeSetting | undefined, requested: TokenTypeSetting | 'default' | undefined): TokenType {
  switch (mount) {
    case 'service':
    case 'batch':
      return mount;
    case 'default-batch':
      return requested === 'service' || requested === 'default-service' ? 'service' : 'batch';
    default:
      return requested === 'batch' || requested === 'default-batch' ? 'batch' : 'service';
  }
}
