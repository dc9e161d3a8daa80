/**
 * Test-only: a minimal OpenID provider on 127.0.0.1 (discovery, JWKS, an authorization endpoint
 * that signs in a fixed user without asking, and a token endpoint checking the client secret and
 * PKCE), plus a JWT signer. Stands in for the npm `oidc-provider`, which is not installed.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256' | 'EdDSA';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function newKey(kid: string, alg: SigningKey['alg']): SigningKey {
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return { kid, alg, ...pair };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A compact JWS of `claims`; `header` overrides (e.g. `alg: 'none'`). */
export function signJwt(key: SigningKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const h = { alg: key.alg, typ: 'JWT', kid: key.kid, ...header };
  const input = `${b64(h)}.${b64(claims)}`;
  const hash = key.alg === 'EdDSA' ? null : 'sha256';
  const sig = sign(hash, Buffer.from(input), key.alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey);
  return `${input}.${sig.toString('base64url')}`;
}

export interface ProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  now: () => number;
  /** Claims of the signed-in user. */
  user: Record<string, unknown>;
}

export class TestProvider {
  keys: SigningKey[] = [newKey('rsa-1', 'RS256'), newKey('ec-1', 'ES256')];
  jwksFetches = 0;
  /** Set to tamper with the next ID token's claims. */
  tamper: ((claims: Record<string, unknown>) => void) | undefined;
  private readonly codes = new Map<string, { redirectUri: string; nonce: string; challenge: string }>();
  private server!: Server;
  issuer = '';

  constructor(readonly o: ProviderOptions) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.route(req).then(
        ({ status, body, headers }) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(body === undefined ? undefined : JSON.stringify(body));
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  jwks() {
    return { keys: this.keys.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, alg: k.alg, use: 'sig' })) };
  }

  private async route(req: IncomingMessage): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const url = new URL(req.url ?? '/', this.issuer);
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        return {
          status: 200,
          body: {
            issuer: this.issuer,
            authorization_endpoint: `${this.issuer}/authorize`,
            token_endpoint: `${this.issuer}/token`,
            jwks_uri: `${this.issuer}/jwks`,
            response_types_supported: ['code'],
            id_token_signing_alg_values_supported: ['RS256', 'ES256'],
            token_endpoint_auth_methods_supported: ['client_secret_basic'],
            code_challenge_methods_supported: ['S256'],
          },
        };
      case '/jwks':
        this.jwksFetches++;
        return { status: 200, body: this.jwks() };
      case '/authorize': {
        const q = url.searchParams;
        const redirectUri = q.get('redirect_uri') ?? '';
        if (q.get('client_id') !== this.o.clientId || !this.o.redirectUris.includes(redirectUri)) return { status: 400, body: { error: 'invalid_request' } };
        if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('scope')?.split(' ').includes('openid')) {
          return { status: 400, body: { error: 'invalid_request' } };
        }
        // The user signs in and consents: a fixed user, no pages (bounded, deterministic).
        const code = randomBytes(16).toString('hex');
        this.codes.set(code, { redirectUri, nonce: q.get('nonce') ?? '', challenge: q.get('code_challenge') ?? '' });
        const back = new URL(redirectUri);
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state') ?? '');
        return { status: 302, headers: { location: back.href } };
      }
      case '/token': {
        const form = new URLSearchParams(await readBody(req));
        const expected = `Basic ${Buffer.from(`${this.o.clientId}:${this.o.clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== expected) return { status: 401, body: { error: 'invalid_client' } };
        const entry = this.codes.get(form.get('code') ?? '');
        this.codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (!entry || form.get('grant_type') !== 'authorization_code' || form.get('redirect_uri') !== entry.redirectUri) return { status: 400, body: { error: 'invalid_grant' } };
        if (createHash('sha256').update(verifier).digest('base64url') !== entry.challenge) return { status: 400, body: { error: 'invalid_grant' } };
        const now = Math.floor(this.o.now() / 1000);
        const claims: Record<string, unknown> = { iss: this.issuer, aud: this.o.clientId, iat: now, exp: now + 300, nonce: entry.nonce, ...this.o.user };
        this.tamper?.(claims);
        return { status: 200, body: { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: signJwt(this.keys[0]!, claims) } };
      }
      default:
        return { status: 404, body: { error: 'not_found' } };
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
