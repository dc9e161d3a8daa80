import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, devVault, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';

/**
 * The seed's policies, end to end through the pipeline: a userpass login finds or creates its
 * entity, a group makes that entity `in Group::"developers"`, and Cedar decides every read.
 */
const SEED = `
permit(principal in Group::"developers", action == Action::"read", resource in Secret::"secret/database/dev");
forbid(principal in Group::"developers", action == Action::"read", resource in Secret::"secret/database/prod");
`;

describe('logins, identity groups and Cedar together', () => {
  let vault: Vault;
  let aliceToken: string;
  let aliceEntity: string;
  before(async () => {
    vault = await devVault();
    assert.equal((await send(vault, 'update', 'sys/auth/userpass', { body: { type: 'userpass' } })).status, 204);
    assert.equal((await send(vault, 'update', 'auth/userpass/users/alice', { body: { password: 'correct horse', token_policies: 'reader' } })).status, 204);
    await send(vault, 'update', 'secret/data/database/dev/password', { body: { data: { v: 'dev-secret' } } });
    await send(vault, 'update', 'secret/data/database/prod/password', { body: { data: { v: 'prod-secret' } } });
    assert.equal((await send(vault, 'update', 'sys/policies/cedar/developers', { body: { policy: SEED } })).status, 204);
  });
  after(() => vault.close());

  it('logs in with userpass: a token with an entity, principal User::"alice"', async () => {
    const login = await send(vault, 'update', 'auth/userpass/login/alice', { token: '', body: { password: 'correct horse' } });
    assert.equal(login.status, 200);
    const auth = body(login).auth;
    assert.match(auth.client_token, /^s\./);
    assert.deepEqual(auth.policies, ['default', 'reader']);
    assert.match(auth.entity_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(auth.metadata, { username: 'alice' });
    aliceToken = auth.client_token;
    aliceEntity = auth.entity_id;
    const again = body(await send(vault, 'update', 'auth/userpass/login/alice', { token: '', body: { password: 'correct horse' } }));
    assert.equal(again.auth.entity_id, aliceEntity, 'the same entity on every login');
  });

  it('refuses a wrong password and an unknown user with the same error', async () => {
    const wrong = await send(vault, 'update', 'auth/userpass/login/alice', { token: '', body: { password: 'nope' } });
    const unknown = await send(vault, 'update', 'auth/userpass/login/mallory', { token: '', body: { password: 'nope' } });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.body, unknown.body);
  });

  it('denies before the group exists, then follows the seed policies once alice is in developers', async () => {
    assert.equal((await send(vault, 'read', 'secret/data/database/dev/password', { token: aliceToken })).status, 403);
    const group = await send(vault, 'update', 'identity/group', { body: { name: 'developers', member_entity_ids: [aliceEntity] } });
    assert.equal(group.status, 200);
    const dev = await send(vault, 'read', 'secret/data/database/dev/password', { token: aliceToken });
    assert.equal(dev.status, 200);
    assert.equal(body(dev).data.data.v, 'dev-secret');
    assert.equal((await send(vault, 'read', 'secret/data/database/prod/password', { token: aliceToken })).status, 403);
    // the metadata twin of a forbidden secret is the same resource
    assert.equal((await send(vault, 'read', 'secret/metadata/database/prod/password', { token: aliceToken })).status, 403);
    assert.equal((await send(vault, 'update', 'secret/data/database/dev/password', { token: aliceToken, body: { data: { v: 'x' } } })).status, 403);
  });

  it('issues Service principals from AppRole logins', async () => {
    await send(vault, 'update', 'sys/auth/approle', { body: { type: 'approle' } });
    await send(vault, 'update', 'auth/approle/role/github-actions', { body: { token_policies: 'ci', secret_id_num_uses: 1 } });
    const roleId = body(await send(vault, 'read', 'auth/approle/role/github-actions/role-id')).data.role_id;
    const secretId = body(await send(vault, 'update', 'auth/approle/role/github-actions/secret-id')).data.secret_id;
    const login = await send(vault, 'update', 'auth/approle/login', { token: '', body: { role_id: roleId, secret_id: secretId } });
    assert.equal(login.status, 200);
    const token = body(login).auth.client_token as string;
    const explain = body(
      await send(vault, 'update', 'sys/policies/cedar-explain', { body: { token, operation: 'read', path: 'secret/data/database/dev/password' } }),
    ).data;
    assert.equal(explain.principal, 'Service::"github-actions"');
    assert.equal(explain.decision, 'deny');
    const reused = await send(vault, 'update', 'auth/approle/login', { token: '', body: { role_id: roleId, secret_id: secretId } });
    assert.equal(reused.status, 400, 'a one-use secret id works once');
  });
});
