import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FakeClock, mountEngine, rejectsVault, type EngineHarness } from '../../framework/engine-harness.js';
import { jwtAuthEngine } from './index.js';
import { newKey, signJwt, TestProvider, type SigningKey } from './test-provider.js';

const mount = { path: 'auth/jwt/', type: 'jwt', kind: 'auth', accessor: 'auth_jwt_1' } as const;
const ISS = 'https://ci.example.com';

describe('jwt auth', () => {
  let jwks: TestProvider;
  const clock = new FakeClock();
  const now = () => Math.floor(clock.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: ISS,
    sub: 'repo:acme/app:ref:refs/heads/main',
    aud: 'vault',
    iat: now(),
    nbf: now(),
    exp: now() + 300,
    email: 'alice@example.com',
    repository: 'acme/app',
    groups: ['developers', 'ops'],
    ...extra,
  });

  before(async () => {
    jwks = await new TestProvider({ clientId: 'x', clientSecret: 'y', redirectUris: [], now: () => clock.now(), user: {} }).start();
  });
  after(() => jwks.close());

  const setup = async (): Promise<EngineHarness> => {
    const h = await mountEngine(jwtAuthEngine, mount, clock);
    await h.send('update', 'config', { jwks_url: `${jwks.issuer}/jwks`, bound_issuer: ISS, oidc_client_secret: null });
    await h.send('update', 'role/ci', {
      role_type: 'jwt',
      user_claim: 'email',
      bound_audiences: ['vault'],
      bound_claims: { repository: 'acme/*' },
      bound_claims_type: 'glob',
      claim_mappings: { repository: 'repo' },
      groups_claim: 'groups',
      token_policies: ['ci'],
      token_ttl: '15m',
    });
    return h;
  };
  const login = (h: EngineHarness, jwt: string, role = 'ci') => h.send('update', 'login', { role, jwt });
  const rsa = () => jwks.keys[0]!;
  const ec = () => jwks.keys[1]!;

  it('logs in with RS256 and ES256 tokens: User principal, alias, metadata, groups', async () => {
    const h = await setup();
    for (const key of [rsa(), ec()]) {
      const auth = (await login(h, signJwt(key, claims())))?.auth;
      assert.ok(auth, key.alg);
      assert.deepEqual(auth.principal, { type: 'User', id: 'alice@example.com' });
      assert.deepEqual(auth.alias, { name: 'alice@example.com', metadata: { repo: 'acme/app', role: 'ci' } });
      assert.deepEqual(auth.metadata, { repo: 'acme/app', role: 'ci' });
      assert.equal(auth.displayName, 'alice@example.com');
      assert.deepEqual(auth.policies, ['ci']);
      assert.equal(auth.ttl, 900);
      assert.deepEqual(auth.internal, { role: 'ci', groupAliases: ['developers', 'ops'] });
    }
    assert.ok(h.engine.unauthenticated?.includes('login'));
  });

  it('refuses expired, early, wrong-audience, wrong-issuer and badly signed tokens with 400', async () => {
    const h = await setup();
    const bad = async (jwt: string, message: RegExp) => rejectsVault(login(h, jwt), 400, message);
    // Expired beyond exp leeway (150s) + clock skew (60s); within it is fine.
    assert.ok((await login(h, signJwt(rsa(), claims({ exp: now() - 200 }))))?.auth);
    await bad(signJwt(rsa(), claims({ exp: now() - 211 })), /^error validating token: .*expired/);
    await bad(signJwt(rsa(), claims({ nbf: now() + 600 })), /not yet valid/);
    await bad(signJwt(rsa(), claims({ iat: now() + 600 })), /issued in the future/);
    await bad(signJwt(rsa(), claims({ exp: undefined })), /exp/);
    await bad(signJwt(rsa(), claims({ aud: 'someone-else' })), /audience/);
    await bad(signJwt(rsa(), claims({ aud: ['a', 'b'] })), /audience/);
    await bad(signJwt(rsa(), claims({ iss: 'https://evil.example.com' })), /issuer/);
    const stranger: SigningKey = { ...newKey('rsa-1', 'RS256') };
    await bad(signJwt(stranger, claims()), /failed to verify signature/);
    const [head, body] = signJwt(rsa(), claims()).split('.');
    await bad(`${head}.${body}.${'A'.repeat(342)}`, /failed to verify signature/);
    await bad('not-a-jwt', /malformed/);
  });

  it('never accepts alg none or an HMAC forged with the public key', async () => {
    const h = await setup();
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    await rejectsVault(login(h, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`), 400, /unsupported signing algorithm `none`/);
    const input = `${b64({ alg: 'HS256', kid: 'rsa-1' })}.${b64(claims())}`;
    const pem = rsa().publicKey.export({ type: 'spki', format: 'pem' });
    const forged = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    await rejectsVault(login(h, forged), 400, /unsupported signing algorithm `HS256`/);
    // A token signed by an EC key but labelled RS256 does not verify either.
    await rejectsVault(login(h, signJwt(ec(), claims(), { alg: 'RS256' })), 400, /failed to verify signature/);
    // jwt_supported_algs narrows the list.
    await h.send('update', 'config', { jwks_url: `${jwks.issuer}/jwks`, bound_issuer: ISS, jwt_supported_algs: ['ES256'] });
    await rejectsVault(login(h, signJwt(rsa(), claims())), 400, /unsupported signing algorithm `RS256`/);
    assert.ok((await login(h, signJwt(ec(), claims())))?.auth);
    await rejectsVault(h.send('update', 'config', { jwks_url: `${jwks.issuer}/jwks`, jwt_supported_algs: ['none'] }), 400, /jwt_supported_algs/);
  });

  it('applies bound_claims (glob and string), bound_subject and the user claim', async () => {
    const h = await setup();
    await rejectsVault(login(h, signJwt(rsa(), claims({ repository: 'evil/app' }))), 400, 'error validating claims: claim "repository" does not match any associated bound claim values');
    await rejectsVault(login(h, signJwt(rsa(), claims({ repository: undefined }))), 400, 'error validating claims: claim "repository" is missing');
    await h.send('update', 'role/ci', { bound_claims_type: 'string', bound_claims: { repository: ['acme/app', 'acme/lib'], '/nested/env': 'prod' } });
    await rejectsVault(login(h, signJwt(rsa(), claims())), 400, /claim "\/nested\/env" is missing/);
    assert.ok((await login(h, signJwt(rsa(), claims({ nested: { env: 'prod' } }))))?.auth);
    await rejectsVault(login(h, signJwt(rsa(), claims({ repository: 'acme/*', nested: { env: 'prod' } }))), 400, /does not match/);
    await h.send('update', 'role/ci', { bound_claims: {}, bound_subject: 'repo:acme/app:ref:refs/heads/main' });
    assert.ok((await login(h, signJwt(rsa(), claims())))?.auth);
    await rejectsVault(login(h, signJwt(rsa(), claims({ sub: 'repo:acme/app:pull_request' }))), 400, /subject/);
    await rejectsVault(login(h, signJwt(rsa(), claims({ email: undefined }))), 400, 'claim "email" not found in token');
    await rejectsVault(login(h, signJwt(rsa(), claims({ email: 42 }))), 400, 'claim "email" could not be converted to string');
    await rejectsVault(login(h, signJwt(rsa(), claims({ groups: [{ name: 'x' }] }))), 400, /could not be converted to string list/);
    assert.deepEqual((await login(h, signJwt(rsa(), claims({ groups: 'solo' }))))?.auth?.internal?.['groupAliases'], ['solo']);
  });

  it('answers Vault errors for roles and requests', async () => {
    const h = await setup();
    await rejectsVault(login(h, signJwt(rsa(), claims()), 'nope'), 400, 'role "nope" could not be found');
    await rejectsVault(h.send('update', 'login', { jwt: 'x' }), 400, 'missing role');
    await rejectsVault(h.send('update', 'login', { role: 'ci' }), 400, 'missing token');
    await rejectsVault(h.send('update', 'role/r1', { role_type: 'jwt', bound_audiences: ['a'] }), 400, 'a user claim must be defined on the role');
    await rejectsVault(h.send('update', 'role/r2', { user_claim: 'sub' }), 400, /allowed_redirect_uris/);
    await rejectsVault(h.send('update', 'role/r3', { role_type: 'jwt', user_claim: 'sub' }), 400, 'must have at least one bound constraint when creating/updating a role');
    await rejectsVault(h.send('update', 'role/r4', { role_type: 'jwt', user_claim: 'sub', bound_subject: 's', claim_mappings: { a: 'role' } }), 400, /reserved/);
    await h.send('update', 'role/web', { user_claim: 'sub', allowed_redirect_uris: ['http://localhost:8250/oidc/callback'] });
    await rejectsVault(login(h, signJwt(rsa(), claims()), 'web'), 400, 'role with oidc role_type is not allowed');
    const read = (await h.send('read', 'role/web'))?.data;
    assert.equal(read?.['role_type'], 'oidc');
    assert.equal(read?.['clock_skew_leeway'], 60);
    assert.equal(read?.['expiration_leeway'], 150);
    assert.equal(read?.['not_before_leeway'], 150);
    assert.deepEqual((await h.send('list', 'role'))?.data, { keys: ['ci', 'web'] });
    await h.send('update', 'config', { jwks_url: `${jwks.issuer}/jwks`, bound_issuer: ISS, default_role: 'ci' });
    assert.ok((await h.send('update', 'login', { jwt: signJwt(rsa(), claims()) }))?.auth, 'default_role');
    await h.send('update', 'role/ci', { token_bound_cidrs: ['10.0.0.0/8'] });
    await rejectsVault(login(h, signJwt(rsa(), claims())), 403);
    await h.send('delete', 'role/ci');
    await rejectsVault(h.send('read', 'role/ci'), 404);
  });

  it('leeways: -1 disables, a value replaces the default', async () => {
    const h = await setup();
    await h.send('update', 'role/ci', { expiration_leeway: -1, clock_skew_leeway: '-1' });
    await rejectsVault(login(h, signJwt(rsa(), claims({ exp: now() - 1 }))), 400, /expired/);
    await h.send('update', 'role/ci', { expiration_leeway: '1h' });
    assert.ok((await login(h, signJwt(rsa(), claims({ exp: now() - 3000 }))))?.auth);
    await rejectsVault(h.send('update', 'role/ci', { expiration_leeway: -5 }), 400);
  });

  it('caches the JWKS and refetches once for an unknown kid (key rotation)', async () => {
    const h = await setup();
    const before = jwks.jwksFetches;
    for (let i = 0; i < 3; i++) await login(h, signJwt(rsa(), claims()));
    assert.equal(jwks.jwksFetches - before, 1, 'one fetch for three logins');
    const rotated = newKey('rsa-2', 'RS256');
    jwks.keys.push(rotated);
    clock.advance(11);
    assert.ok((await login(h, signJwt(rotated, claims())))?.auth, 'the new key is fetched');
    assert.equal(jwks.jwksFetches - before, 2);
    // Forged kids do not make us hammer the provider.
    for (let i = 0; i < 5; i++) await rejectsVault(login(h, signJwt(newKey(`k${i}`, 'RS256'), claims())), 400);
    assert.equal(jwks.jwksFetches - before, 2);
    jwks.keys.pop();
  });

  it('verifies with static PEM keys (jwt_validation_pubkeys), EdDSA included', async () => {
    const h = await mountEngine(jwtAuthEngine, mount, clock);
    const ed = newKey('ed', 'EdDSA');
    await h.send('update', 'config', { jwt_validation_pubkeys: [ed.publicKey.export({ type: 'spki', format: 'pem' }) as string, rsa().publicKey.export({ type: 'spki', format: 'pem' }) as string] });
    await h.send('update', 'role/svc', { role_type: 'jwt', user_claim: 'sub', bound_audiences: 'vault' });
    assert.deepEqual((await login(h, signJwt(ed, claims()), 'svc'))?.auth?.principal, { type: 'User', id: 'repo:acme/app:ref:refs/heads/main' });
    assert.ok((await login(h, signJwt(rsa(), claims({ aud: ['vault', 'other'] })), 'svc'))?.auth);
    await rejectsVault(login(h, signJwt(ec(), claims()), 'svc'), 400, /failed to verify signature/);
  });

  it('validates and hides the config', async () => {
    const h = await mountEngine(jwtAuthEngine, mount, clock);
    await rejectsVault(h.send('update', 'config', {}), 400, /exactly one of/);
    await rejectsVault(h.send('update', 'config', { jwks_url: `${jwks.issuer}/jwks`, jwt_validation_pubkeys: ['x'] }), 400, /exactly one of/);
    await rejectsVault(h.send('update', 'config', { jwt_validation_pubkeys: ['not a key'] }), 400, 'error parsing public key');
    await rejectsVault(h.send('update', 'config', { jwks_url: `${jwks.issuer}/missing` }), 400, 'error checking jwks URL');
    await rejectsVault(h.send('update', 'config', { oidc_discovery_url: `${jwks.issuer}/other` }), 400, /error checking oidc discovery URL/);
    await rejectsVault(h.send('update', 'config', { jwks_url: `${jwks.issuer}/jwks`, oidc_client_id: 'a', oidc_client_secret: 'b' }), 400, /oidc_discovery_url/);
    await rejectsVault(h.send('update', 'config', { oidc_discovery_url: jwks.issuer, oidc_client_id: 'a' }), 400, /both/);
    await h.send('update', 'config', { oidc_discovery_url: jwks.issuer, oidc_client_id: 'app', oidc_client_secret: 'top-secret-value' });
    const read = (await h.send('read', 'config'))?.data;
    assert.equal(read?.['oidc_client_id'], 'app');
    assert.ok(!JSON.stringify(read).includes('top-secret-value'));
    assert.ok(!('oidc_client_secret' in (read ?? {})));
  });
});
