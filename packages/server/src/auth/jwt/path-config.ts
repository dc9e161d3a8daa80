import { X509Certificate } from 'node:crypto';
import { invalidRequest } from '../../errors.js';
import { definePath, type PathSpec } from '../../framework/engine.js';
import { isSupportedAlg } from './jws.js';
import type { JwtContext } from './jwt-context.js';
import { readJwtConfig, writeJwtConfig, type JwtConfig } from './jwt-config.js';
import { fetchDiscovery, parseJwks, parsePublicKeyPem } from './key-set.js';
import { fetchJson } from './http-client.js';

const fields = {
  oidc_discovery_url: { type: 'string', description: 'The issuer URL of an OpenID provider, for discovery.' },
  oidc_discovery_ca_pem: { type: 'string', description: 'CA certificates (PEM) trusted for the discovery URL.' },
  oidc_client_id: { type: 'string', description: 'OAuth client id, for the OIDC flow.' },
  oidc_client_secret: { type: 'string', description: 'OAuth client secret; never returned.', sensitive: true },
  oidc_response_mode: { type: 'string', description: '`query` (default) or `form_post`.', allowed: ['', 'query', 'form_post'] },
  oidc_response_types: { type: 'strings', description: 'Only `code` is supported.' },
  jwks_url: { type: 'string', description: 'URL of a JWKS to verify JWTs with.' },
  jwks_ca_pem: { type: 'string', description: 'CA certificates (PEM) trusted for the JWKS URL.' },
  jwt_validation_pubkeys: { type: 'strings', description: 'PEM public keys to verify JWTs with.' },
  bound_issuer: { type: 'string', description: 'Required `iss` of JWTs.' },
  jwt_supported_algs: { type: 'strings', description: 'Accepted signing algorithms; default: every supported asymmetric one.' },
  default_role: { type: 'string', description: 'Role used when a login names none.' },
  provider_config: { type: 'map', description: 'Provider-specific settings; not supported.' },
  namespace_in_state: { type: 'bool', description: 'Accepted for compatibility.' },
} as const;

function checkCaPem(field: string, pem: string): void {
  if (pem === '') return;
  try {
    new X509Certificate(pem);
  } catch {
    throw invalidRequest(`could not parse \`${field}\` value successfully`);
  }
}

export function configData(c: JwtConfig): Record<string, unknown> {
  return {
    oidc_discovery_url: c.oidcDiscoveryUrl,
    oidc_discovery_ca_pem: c.oidcDiscoveryCaPem,
    oidc_client_id: c.oidcClientId,
    oidc_response_mode: c.oidcResponseMode,
    oidc_response_types: [...c.oidcResponseTypes],
    jwks_url: c.jwksUrl,
    jwks_ca_pem: c.jwksCaPem,
    jwt_validation_pubkeys: [...c.jwtValidationPubkeys],
    bound_issuer: c.boundIssuer,
    jwt_supported_algs: [...c.jwtSupportedAlgs],
    default_role: c.defaultRole,
    provider_config: {},
    namespace_in_state: c.namespaceInState,
  };
}

/**
 * `auth/<mount>/config` (https://developer.hashicorp.com/vault/api-docs/auth/jwt#configure).
 * A write replaces the whole config, as in Vault, after checking that the discovery URL or JWKS
 * answers and that the keys parse.
 */
export function configPath(ctx: JwtContext): PathSpec {
  return definePath({
    pattern: 'config',
    fields,
    help: { synopsis: 'Configure how JWTs are verified and how the OIDC flow reaches the provider.' },
    authz: (req) => ({ action: req.operation === 'read' ? 'read' : 'configure', resource: `${req.mount.path}config` }),
    operations: {
      read: {
        summary: 'Read the configuration (without the client secret).',
        handle: async (req) => {
          const c = await readJwtConfig(req.storage);
          return { data: c ? configData(c) : null };
        },
      },
      update: {
        summary: 'Write the configuration.',
        handle: async (req) => {
          const d = req.data;
          const c: JwtConfig = {
            oidcDiscoveryUrl: d.oidc_discovery_url ?? '',
            oidcDiscoveryCaPem: d.oidc_discovery_ca_pem ?? '',
            oidcClientId: d.oidc_client_id ?? '',
            oidcClientSecret: d.oidc_client_secret ?? '',
            oidcResponseMode: d.oidc_response_mode ?? '',
            oidcResponseTypes: (d.oidc_response_types ?? []).filter((t) => t !== ''),
            jwksUrl: d.jwks_url ?? '',
            jwksCaPem: d.jwks_ca_pem ?? '',
            jwtValidationPubkeys: (d.jwt_validation_pubkeys ?? []).filter((k) => k.trim() !== ''),
            boundIssuer: d.bound_issuer ?? '',
            jwtSupportedAlgs: (d.jwt_supported_algs ?? []).filter((a) => a !== ''),
            defaultRole: d.default_role ?? '',
            namespaceInState: d.namespace_in_state ?? false,
          };
          const sources = [c.oidcDiscoveryUrl !== '', c.jwksUrl !== '', c.jwtValidationPubkeys.length > 0].filter(Boolean).length;
          if (sources !== 1) throw invalidRequest("exactly one of 'jwt_validation_pubkeys', 'jwks_url' or 'oidc_discovery_url' must be set");
          if ((c.oidcClientId === '') !== (c.oidcClientSecret === '')) throw invalidRequest("both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC");
          if (c.oidcClientId !== '' && c.oidcDiscoveryUrl === '') throw invalidRequest("'oidc_discovery_url' must be set for OIDC");
          if (c.oidcDiscoveryUrl.includes('/.well-known/')) throw invalidRequest("'oidc_discovery_url' contains '.well-known' component");
          for (const alg of c.jwtSupportedAlgs) if (!isSupportedAlg(alg)) throw invalidRequest(`invalid jwt_supported_algs: unsupported signing algorithm \`${alg}\``);
          if (c.oidcResponseTypes.some((t) => t !== 'code')) throw invalidRequest("invalid response_types: only 'code' is supported");
          if (c.oidcResponseMode === 'form_post') throw invalidRequest("response_mode 'form_post' is not supported");
          if (d.provider_config !== undefined && Object.keys(d.provider_config).length > 0) throw invalidRequest('provider_config is not supported');
          checkCaPem('oidc_discovery_ca_pem', c.oidcDiscoveryCaPem);
          checkCaPem('jwks_ca_pem', c.jwksCaPem);
          if (c.oidcDiscoveryUrl !== '') {
            try {
              await fetchDiscovery(c.oidcDiscoveryUrl, c.oidcDiscoveryCaPem);
            } catch (err) {
              throw invalidRequest(`error checking oidc discovery URL: ${(err as Error).message}`);
            }
          } else if (c.jwksUrl !== '') {
            try {
              const res = await fetchJson(c.jwksUrl, { caPem: c.jwksCaPem });
              if (res.status !== 200) throw new Error(`status ${res.status}`);
              parseJwks(res.json);
            } catch {
              throw invalidRequest('error checking jwks URL');
            }
          } else {
            for (const pem of c.jwtValidationPubkeys) {
              try {
                parsePublicKeyPem(pem);
              } catch {
                throw invalidRequest('error parsing public key');
              }
            }
          }
          await writeJwtConfig(req.storage, c);
          ctx.forget();
          return undefined;
        },
      },
    },
  });
}
