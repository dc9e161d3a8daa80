import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock, mountEngine, rejectsVault, type EngineHarness } from '../../framework/engine-harness.js';
import { body, devVault, send } from '../../pipeline/pipeline-test-kit.js';
import { jwtAuthEngine } from './index.js';
import { TestProvider } from './test-provider.js';

const REDIRECT = 'http://localhost:8250/oidc/callback';

/** Drives the provider's authorization endpoint like a browser whose user signs in, without following the redirect. */
async function authorize(authUrl: string): Promise<{ code: string; state: string }> {
  const res = await fetch(authUrl, { redirect: 'manual' });
  assert.equal(res.status, 302, await res.text());
  const back = new URL(res.headers.get('location') ?? '');
  assert.equal(`${back.origin}${back.pathname}`, 'http://localhost:8250/oidc/callback');
  return { code: back.searchParams.get('code') ?? '', state: back.searchParams.get('state') ?? '' };
}

describe('oidc auth code flow against a loopback provider', () => {
  let provider: TestProvider;
  const clock = new FakeClock(Date.now());
  before(async () => {
    provider = await new TestProvider({
      clientId: 'secretum',
      clientSecret: 'client-secret-1',
      redirectUris: [REDIRECT, 'http://localhost:9999/oidc/callback'],
      now: () => clock.now(),
      user: { sub: 'u-123', email: 'alice@example.com', preferred_username: 'alice', groups: ['developers'] },
    }).start();
  });
  after(() => provider.close());

  const setup = async (): Promise<EngineHarness> => {
    const h = await mountEngine(jwtAuthEngine, { path: 'auth/oidc/', type: 'oidc', kind: 'auth', accessor: 'auth_oidc_1' }, clock);
    await h.send('update', 'config', { oidc_discovery_url: provider.issuer, oidc_client_id: 'secretum', oidc_client_secret: 'client-secret-1', default_role: 'web' });
    await h.send('update', 'role/web', {
      user_claim: 'preferred_username',
      allowed_redirect_uris: [REDIRECT],
      groups_claim: 'groups',
      claim_mappings: { email: 'email' },
      oidc_scopes: ['profile', 'email'],
      token_policies: 'dev',
    });
    return h;
  };
  const authUrl = async (h: EngineHarness, extra: Record<string, unknown> = {}) =>
    String((await h.send('update', 'oidc/auth_url', { role: 'web', redirect_uri: REDIRECT, ...extra }))?.data?.['auth_url']);

  it('auth_url → provider sign-in → callback logs in as User::"alice"', async () => {
    const h = await setup();
    const url = new URL(await authUrl(h));
    assert.equal(`${url.origin}${url.pathname}`, `${provider.issuer}/authorize`);
    const q = url.searchParams;
    assert.equal(q.get('client_id'), 'secretum');
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('scope'), 'openid profile email');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((q.get('state') ?? '').length >= 32 && (q.get('nonce') ?? '').length >= 32);

    const { code, state } = await authorize(url.href);
    const auth = (await h.send('read', 'oidc/callback', { state, code }))?.auth;
    assert.deepEqual(auth?.principal, { type: 'User', id: 'alice' });
    assert.deepEqual(auth?.alias, { name: 'alice', metadata: { email: 'alice@example.com', role: 'web' } });
    assert.deepEqual(auth?.internal, { role: 'web', groupAliases: ['developers'] });
    assert.deepEqual(auth?.policies, ['dev']);
    // The state is single-use.
    await rejectsVault(h.send('read', 'oidc/callback', { state, code }), 400, 'Vault login failed. Expired or missing OAuth state.');
    assert.deepEqual(h.engine.unauthenticated, ['login', 'oidc/auth_url', 'oidc/callback']);
  });

  it('checks redirect uris (port-agnostic on loopback), client_nonce, state expiry and provider errors', async () => {
    const h = await setup();
    assert.equal(await authUrl(h, { redirect_uri: 'https://evil.example.com/cb' }), '');
    assert.match(await authUrl(h, { redirect_uri: 'http://localhost:9999/oidc/callback' }), /^http:/, 'loopback port is ignored');
    await rejectsVault(h.send('update', 'oidc/auth_url', { role: 'web' }), 400, 'missing redirect_uri');
    await rejectsVault(h.send('update', 'oidc/auth_url', { role: 'nope', redirect_uri: REDIRECT }), 400, 'role "nope" could not be found');

    const withNonce = await authorize(await authUrl(h, { client_nonce: 'cn-1' }));
    await rejectsVault(h.send('read', 'oidc/callback', { ...withNonce, client_nonce: 'other' }), 400, 'invalid client_nonce');

    const late = await authorize(await authUrl(h));
    clock.advance(11 * 60);
    await rejectsVault(h.send('read', 'oidc/callback', late), 400, 'Vault login failed. Expired or missing OAuth state.');

    const denied = await authorize(await authUrl(h));
    await rejectsVault(h.send('read', 'oidc/callback', { state: denied.state, error: 'access_denied' }), 400, 'Vault login failed. access_denied');
    await rejectsVault(h.send('read', 'oidc/callback', { state: 'made-up', code: 'x' }), 400, /Expired or missing OAuth state/);
  });

  it('refuses a replayed code, a wrong nonce, a foreign audience and a wrong client secret', async () => {
    const h = await setup();
    const first = await authorize(await authUrl(h));
    assert.ok((await h.send('read', 'oidc/callback', first))?.auth);

    // A code issued for another flow (so another PKCE verifier) does not exchange.
    const a = await authorize(await authUrl(h));
    const b = await authorize(await authUrl(h));
    await rejectsVault(h.send('read', 'oidc/callback', { state: a.state, code: b.code }), 400, /Error exchanging oidc code: "invalid_grant"/);

    provider.tamper = (c) => (c['nonce'] = 'replayed');
    await rejectsVault(h.send('read', 'oidc/callback', await authorize(await authUrl(h))), 400, 'Vault login failed. invalid ID token nonce.');
    provider.tamper = (c) => (c['aud'] = 'another-client');
    await rejectsVault(h.send('read', 'oidc/callback', await authorize(await authUrl(h))), 400, /Token verification failed\. invalid audience/);
    provider.tamper = (c) => (c['iss'] = 'https://evil.example.com');
    await rejectsVault(h.send('read', 'oidc/callback', await authorize(await authUrl(h))), 400, /Token verification failed\. invalid issuer/);
    provider.tamper = undefined;

    await h.send('update', 'config', { oidc_discovery_url: provider.issuer, oidc_client_id: 'secretum', oidc_client_secret: 'wrong' });
    await rejectsVault(h.send('read', 'oidc/callback', await authorize(await authUrl(h))), 400, /Error exchanging oidc code: "invalid_client"/);
  });

  it('runs through the pipeline as type oidc: unauthenticated callback, token with an entity', async () => {
    clock.ms = Date.now(); // the pipeline runs on the real clock; the provider signs with this one
    const vault = await devVault([
      { type: 'jwt', kind: 'auth', factory: jwtAuthEngine },
      { type: 'oidc', kind: 'auth', factory: jwtAuthEngine },
    ]);
    try {
      assert.equal((await send(vault, 'update', 'sys/auth/oidc', { body: { type: 'oidc' } })).status, 204);
      assert.equal((await send(vault, 'update', 'auth/oidc/config', { body: { oidc_discovery_url: provider.issuer, oidc_client_id: 'secretum', oidc_client_secret: 'client-secret-1' } })).status, 204);
      assert.equal((await send(vault, 'update', 'auth/oidc/role/web', { body: { user_claim: 'preferred_username', allowed_redirect_uris: [REDIRECT], token_policies: ['dev'] } })).status, 204);
      const config = body(await send(vault, 'read', 'auth/oidc/config'));
      assert.ok(!JSON.stringify(config).includes('client-secret-1'));
      const start = await send(vault, 'update', 'auth/oidc/oidc/auth_url', { token: '', body: { role: 'web', redirect_uri: REDIRECT } });
      assert.equal(start.status, 200, JSON.stringify(start.body));
      const { code, state } = await authorize(body(start).data.auth_url);
      const done = await send(vault, 'read', 'auth/oidc/oidc/callback', { token: '', query: { state, code } });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      const auth = body(done).auth;
      assert.deepEqual(auth.policies, ['default', 'dev']);
      assert.match(auth.entity_id, /^[0-9a-f-]{36}$/);
      assert.equal(auth.metadata.role, 'web');
      const again = await send(vault, 'read', 'auth/oidc/oidc/callback', { token: '', query: { state, code } });
      assert.equal(again.status, 400);
    } finally {
      await vault.close();
    }
  });
});
