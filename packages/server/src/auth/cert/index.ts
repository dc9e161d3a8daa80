import type { EngineFactory } from '../../framework/engine.js';
import { certPaths } from './path-certs.js';
import { configPath } from './path-config.js';
import { crlPaths } from './path-crls.js';
import { loginPath } from './path-login.js';

export { EXPIRED, INVALID_CERTIFICATE, NO_CERTIFICATE, NO_MATCHING_CHAIN } from './match-cert.js';

/**
 * The TLS certificate auth method (https://developer.hashicorp.com/vault/api-docs/auth/cert).
 * Logins issue tokens whose Cedar principal is `Service::"<trusted entry name>"`. The listener
 * must have `tls_client_ca_file` so the client certificate reaches the engine.
 */
export const certAuthEngine: EngineFactory = async ({ clock }) => ({
  kind: 'auth',
  paths: [...certPaths, ...crlPaths(), configPath, loginPath(clock)],
  unauthenticated: ['login'],
});
