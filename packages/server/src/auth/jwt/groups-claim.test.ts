import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, devVault, send } from '../../pipeline/pipeline-test-kit.js';
import type { Vault } from '../../server.js';
import { signJwt, TestProvider } from './test-provider.js';

const ISS = 'https://idp.example.com';
const SECRET = 'secret/data/team/db';
const POLICY = 'permit(principal in Group::"developers", action == Action::"read", resource in Secret::"secret/team");';

/**
 * External groups fed by a JWT role's `groups_claim`, end to end through the pipeline: tokens
 * signed by a JWKS provider on loopback, an external group with a Cedar policy and an alias on
 * the JWT mount, and Vault's sync on every login.
 */
describe('jwt groups_claim → external identity groups → Cedar', () => {
  let provider: TestProvider;
  let vault: Vault;
  let groupId: string;

  const jwt = (email: string, groups: string[]) => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(provider.keys[0]!, { iss: ISS, sub: email, aud: 'vault', iat: now, nbf: now, exp: now + 300, email, groups });
  };
  const login = async (email: string, groups: string[]) => {
    const res = await send(vault, 'update', 'auth/jwt/login', { token: '', body: { role: 'ci', jwt: jwt(email, groups) } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return body(res).auth as { client_token: string; entity_id: string };
  };
  const readSecret = async (token: string) => (await send(vault, 'read', SECRET, { token })).status;

  before(async () => {
    provider = await new TestProvider({ clientId: 'x', clientSecret: 'y', redirectUris: [], now: () => Date.now(), user: {} }).start();
    vault = await devVault();
    const ok = async (path: string, payload: Record<string, unknown>) => {
      const res = await send(vault, 'update', path, { body: payload });
      assert.ok(res.status === 200 || res.status === 204, `${path}: ${JSON.stringify(res.body)}`);
      return res;
    };
    await ok('sys/auth/jwt', { type: 'jwt' });
    await ok('auth/jwt/config', { jwks_url: `${provider.issuer}/jwks`, bound_issuer: ISS });
    await ok('auth/jwt/role/ci', { role_type: 'jwt', user_claim: 'email', bound_audiences: ['vault'], groups_claim: 'groups', token_policies: ['ci'] });
    await ok('sys/policies/cedar/developers', { policy: POLICY });
    await ok(SECRET, { data: { password: 'team-secret' } });

    const accessor = body(await send(vault, 'read', 'sys/auth')).data['jwt/'].accessor as string;
    groupId = body(await ok('identity/group', { name: 'developers', type: 'external' })).data.id;
    await ok('identity/group-alias', { name: 'vault-devs', mount_accessor: accessor, canonical_id: groupId });
  });
  after(async () => {
    await vault.close();
    await provider.close();
  });

  it('grants the group policy to a login whose claim names the group, and only to it', async () => {
    const alice = await login('alice@example.com', ['everyone', 'vault-devs']);
    assert.equal(await readSecret(alice.client_token), 200);
    const group = body(await send(vault, 'read', `identity/group/id/${groupId}`)).data;
    assert.deepEqual(group.member_entity_ids, [alice.entity_id]);
    assert.equal(group.alias.name, 'vault-devs');

    const bob = await login('bob@example.com', ['everyone']);
    assert.equal(await readSecret(bob.client_token), 403);
    // Setting members by hand is refused on an external group, whoever asks.
    const byHand = await send(vault, 'update', `identity/group/id/${groupId}`, { body: { member_entity_ids: [bob.entity_id] } });
    assert.equal(byHand.status, 400);
    assert.equal(await readSecret(bob.client_token), 403);
  });

  it('takes the access away on the next login without the group', async () => {
    const first = await login('carol@example.com', ['vault-devs']);
    assert.equal(await readSecret(first.client_token), 200);
    const second = await login('carol@example.com', ['everyone']);
    assert.equal(second.entity_id, first.entity_id);
    assert.equal(await readSecret(second.client_token), 403);
    // Membership belongs to the entity: the earlier token loses the access too (no stale cached decision).
    assert.equal(await readSecret(first.client_token), 403);
    assert.ok(!body(await send(vault, 'read', `identity/group/id/${groupId}`)).data.member_entity_ids.includes(first.entity_id));
  });
});
