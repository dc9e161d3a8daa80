import { createHash } from 'node:crypto';
import { invalidRequest, permissionDenied } from '../../errors.js';
import { definePath, type EngineRequest, type EngineResponse, type PathSpec } from '../../framework/engine.js';
import { addressAllowed } from '../cidr.js';
import { fetchJson } from './http-client.js';
import type { JwtContext } from './jwt-context.js';
import { isOidcConfig, readJwtConfig } from './jwt-config.js';
import { loginResult } from './login-result.js';
import { randomToken } from './oidc-states.js';
import { configAndRole, leeways } from './path-login.js';
import { readRole } from './role-entry.js';
import { validateToken } from './validate-token.js';

/** Vault's prefix for OIDC login failures; its UI looks for it. */
const FAILED = 'Vault login failed. ';

/** RFC 8252 §7.3: loopback redirect URIs match whatever their port; others must match exactly. */
export function validRedirect(uri: string, allowed: readonly string[]): boolean {
  let input: URL;
  try {
    input = new URL(uri);
  } catch {
    return false;
  }
  if (!['localhost', '127.0.0.1', '[::1]'].includes(input.hostname)) return allowed.includes(uri);
  const portless = (u: URL) => {
    const copy = new URL(u.href);
    copy.port = '';
    return copy.href;
  };
  return allowed.some((a) => {
    try {
      return portless(new URL(a)) === portless(input);
    } catch {
      return false;
    }
  });
}

const basicAuth = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const callbackFields = {
  state: { type: 'string', description: 'The state the flow began with.' },
  code: { type: 'string', description: 'The authorization code.', sensitive: true },
  id_token: { type: 'string', description: 'Not supported: the implicit flow is off.', sensitive: true },
  client_nonce: { type: 'string', description: 'The nonce the client gave to `auth_url`.' },
  error: { type: 'string', description: 'An error from the provider (RFC 6749 §4.1.2.1).' },
  error_description: { type: 'string', description: 'Its description.' },
} as const;

type CallbackRequest = EngineRequest<{ [K in keyof typeof callbackFields]: string | undefined }>;

/**
 * `auth/<mount>/oidc/auth_url` and `oidc/callback`
 * (https://developer.hashicorp.com/vault/api-docs/auth/jwt#oidc-authorization-url-request):
 * the authorization code flow with a random `state`, an ID-token `nonce` and PKCE S256
 * (RFC 7636). The callback exchanges the code at the provider's token endpoint, verifies the ID
 * token (signature, issuer, the client id as audience, times, nonce) and logs in like `login`.
 */
export function oidcPaths(ctx: JwtContext): PathSpec[] {
  const authUrl = definePath({
    pattern: 'oidc/auth_url',
    fields: {
      role: { type: 'string', description: 'Role; default: the configured `default_role`.' },
      redirect_uri: { type: 'string', description: "Where the provider sends the user back; one of the role's `allowed_redirect_uris`." },
      client_nonce: { type: 'string', description: 'A nonce the callback must repeat.' },
    },
    help: { synopsis: 'Begin an OIDC login: the provider URL to send the user to.' },
    operations: {
      update: {
        summary: 'Request an OIDC authorization URL.',
        handle: async (req) => {
          const config = await readJwtConfig(req.storage);
          if (!config) throw invalidRequest('could not load configuration');
          if (!isOidcConfig(config)) throw invalidRequest('OIDC login is not configured for this mount');
          const { name, role } = await configAndRole(req.storage, req.data.role);
          const redirectUri = req.data.redirect_uri ?? '';
          if (redirectUri === '') throw invalidRequest('missing redirect_uri');
          // Vault answers an empty URL, not an error, to an unauthenticated caller's bad redirect.
          if (!validRedirect(redirectUri, role.allowedRedirectUris)) return { data: { auth_url: '' } };
          let endpoint: string;
          try {
            endpoint = (await ctx.keysFor(config).provider()).authorizationEndpoint;
          } catch {
            return { data: { auth_url: '' } };
          }
          const nonce = randomToken();
          const codeVerifier = randomToken();
          const state = ctx.states.create({ role: name, redirectUri, nonce, codeVerifier, clientNonce: req.data.client_nonce ?? '' });
          const url = new URL(endpoint);
          url.searchParams.set('client_id', config.oidcClientId);
          url.searchParams.set('redirect_uri', redirectUri);
          url.searchParams.set('response_type', 'code');
          url.searchParams.set('scope', ['openid', ...role.oidcScopes.filter((s) => s !== 'openid')].join(' '));
          url.searchParams.set('state', state);
          url.searchParams.set('nonce', nonce);
          url.searchParams.set('code_challenge', createHash('sha256').update(codeVerifier).digest('base64url'));
          url.searchParams.set('code_challenge_method', 'S256');
          if (role.maxAge > 0) url.searchParams.set('max_age', String(role.maxAge));
          return { data: { auth_url: url.href } };
        },
      },
    },
  });

  const callback = async (req: CallbackRequest): Promise<EngineResponse> => {
    const config = await readJwtConfig(req.storage);
    if (!config) throw invalidRequest(`${FAILED}Could not load configuration`);
    const flow = ctx.states.take(req.data.state ?? '');
    if (!flow) throw invalidRequest(`${FAILED}Expired or missing OAuth state.`);
    const role = await readRole(req.storage, flow.role);
    if (!role) throw invalidRequest(`${FAILED}Role could not be found`);
    const providerError = (req.data.error ?? '').trim().toLowerCase();
    if (providerError !== '') {
      const known = ['invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope', 'server_error', 'temporarily_unavailable'];
      throw invalidRequest(FAILED + (known.includes(providerError) ? providerError : 'An unknown error occurred during OIDC authentication.'));
    }
    if (flow.clientNonce !== '' && req.data.client_nonce !== flow.clientNonce) throw invalidRequest('invalid client_nonce');
    if (!addressAllowed(role.token.boundCidrs, req.remoteAddress)) throw permissionDenied();
    const code = req.data.code ?? '';
    if (code === '') throw invalidRequest(`${FAILED}No code or id_token received.`);

    const keys = ctx.keysFor(config);
    const provider = await keys.provider().catch(() => {
      throw invalidRequest(`${FAILED}Could not reach the provider.`);
    });
    const post = provider.tokenEndpointAuthMethods.length > 0 && !provider.tokenEndpointAuthMethods.includes('client_secret_basic') && provider.tokenEndpointAuthMethods.includes('client_secret_post');
    const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.codeVerifier };
    if (post) Object.assign(form, { client_id: config.oidcClientId, client_secret: config.oidcClientSecret });
    let idToken: unknown;
    try {
      const res = await fetchJson(provider.tokenEndpoint, {
        method: 'POST',
        form,
        caPem: config.oidcDiscoveryCaPem,
        ...(!post && { headers: { authorization: basicAuth(config.oidcClientId, config.oidcClientSecret) } }),
      });
      const body = res.json as Record<string, unknown> | undefined;
      if (res.status !== 200) throw new Error(String(body?.['error'] ?? `status ${res.status}`));
      idToken = body?.['id_token'];
    } catch (err) {
      throw invalidRequest(`${FAILED}Error exchanging oidc code: ${JSON.stringify((err as Error).message)}.`);
    }
    if (typeof idToken !== 'string' || idToken === '') throw invalidRequest('Token verification failed. No id_token found in response.');

    const algs = config.jwtSupportedAlgs.length > 0 ? config.jwtSupportedAlgs : ['RS256'];
    let claims: Record<string, unknown>;
    try {
      claims = await validateToken(idToken, keys, {
        algs,
        issuer: provider.issuer,
        boundAudiences: role.boundAudiences,
        refuseUnboundAudience: false,
        clientId: config.oidcClientId,
        subject: '',
        ...leeways(role),
        now: ctx.clock.now(),
      });
    } catch (err) {
      throw invalidRequest(`Token verification failed. ${(err as Error).message}`);
    }
    if (claims['nonce'] !== flow.nonce) throw invalidRequest(`${FAILED}invalid ID token nonce.`);
    if (role.boundSubject !== '' && claims['sub'] !== role.boundSubject) throw invalidRequest(`${FAILED}sub claim does not match bound subject`);
    const { nonce: _nonce, ...rest } = claims;
    return loginResult(flow.role, role, rest, FAILED);
  };

  const callbackPath = definePath({
    pattern: 'oidc/callback',
    fields: callbackFields,
    help: { synopsis: 'Finish an OIDC login: the provider redirects the user here with a code.' },
    operations: {
      read: { summary: 'Finish an OIDC login.', handle: callback },
      update: { summary: 'Finish an OIDC login (form post).', handle: callback },
    },
  });

  return [authUrl, callbackPath];
}
