import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { entries, tempDir } from '../../audit/audit-test-kit.js';
import { body, devVault, send } from '../../pipeline/pipeline-test-kit.js';
import type { Vault } from '../../server.js';

/**
 * Batch tokens through the whole pipeline (tier 2): logins through an auth mount tuned to
 * `token_type`, Cedar decisions, the cubbyhole refusal and the audit trail.
 */
const READER = 'permit(principal in Role::"reader", action == Action::"read", resource in Secret::"secret/app");';

describe('batch tokens through the pipeline', () => {
  let vault: Vault;
  const login = async (mount: string, user: string) => {
    const res = await send(vault, 'update', `auth/${mount}/login/${user}`, { token: '', body: { password: 'pw' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return body(res).auth as Record<string, any>;
  };
  const addUser = async (mount: string, user: string, extra: Record<string, unknown> = {}) =>
    send(vault, 'update', `auth/${mount}/users/${user}`, { body: { password: 'pw', token_policies: 'reader', ...extra } });

  before(async () => {
    vault = await devVault();
    assert.equal((await send(vault, 'update', 'sys/auth/userpass', { body: { type: 'userpass' } })).status, 204);
    assert.equal((await send(vault, 'update', 'sys/policies/cedar/reader', { body: { policy: READER } })).status, 204);
    await send(vault, 'update', 'secret/data/app', { body: { data: { v: 'app-secret' } } });
    await send(vault, 'update', 'secret/data/other', { body: { data: { v: 'other-secret' } } });
    assert.equal((await addUser('userpass', 'alice')).status, 204);
  });
  after(() => vault.close());

  it('tunes an auth mount\'s token_type, and refuses it where it makes no sense', async () => {
    const tune = (path: string, token_type: unknown) => send(vault, 'update', `sys/${path}/tune`, { body: { token_type } });
    assert.equal(body(await send(vault, 'read', 'sys/auth/userpass/tune')).data.token_type, 'default-service');
    assert.equal((await tune('auth/userpass', 'batch')).status, 204);
    assert.equal(body(await send(vault, 'read', 'sys/auth/userpass/tune')).data.token_type, 'batch');
    assert.equal(body(await send(vault, 'read', 'sys/auth')).data['userpass/'].config.token_type, 'batch');
    const refused = async (path: string, value: unknown, message: string) => {
      const res = await tune(path, value);
      assert.equal(res.status, 400);
      assert.deepEqual(body(res).errors, [message]);
    };
    await refused('auth/userpass', 'bulk', 'invalid `token_type` value `bulk`');
    await refused('auth/token', 'batch', '`token_type` cannot be set for `token` auth mounts');
    await refused('mounts/secret', 'batch', '`token_type` can only be modified on auth mounts');
    // Also when enabling an auth method.
    const enabled = await send(vault, 'update', 'sys/auth/up2', { body: { type: 'userpass', config: { token_type: 'default-batch' } } });
    assert.equal(enabled.status, 204);
    assert.equal(body(await send(vault, 'read', 'sys/auth/up2')).data.config.token_type, 'default-batch');
    const bad = await send(vault, 'update', 'sys/auth/up3', { body: { type: 'userpass', config: { token_type: 'x' } } });
    assert.equal(bad.status, 400);
  });

  it('logs in through a batch-tuned mount: a b. token that reads what its policy allows', async () => {
    const auth = await login('userpass', 'alice');
    assert.match(auth['client_token'], /^b\./);
    assert.equal(auth['token_type'], 'batch');
    assert.equal(auth['accessor'], '');
    assert.equal(auth['renewable'], false);
    assert.equal(auth['orphan'], true);
    assert.deepEqual(auth['policies'], ['default', 'reader']);
    assert.match(auth['entity_id'], /^[0-9a-f-]{36}$/);
    const token = auth['client_token'] as string;
    const read = await send(vault, 'read', 'secret/data/app', { token });
    assert.equal(read.status, 200);
    assert.equal(body(read).data.data.v, 'app-secret');
    assert.equal((await send(vault, 'read', 'secret/data/other', { token })).status, 403);
    const self = body(await send(vault, 'read', 'auth/token/lookup-self', { token })).data;
    assert.equal(self.type, 'batch');
    assert.equal(self.path, 'auth/userpass/login/alice');
    assert.equal(self.display_name, 'userpass-alice');
    assert.equal(self.entity_id, auth['entity_id']);
    const renew = await send(vault, 'update', 'auth/token/renew-self', { token });
    assert.deepEqual([renew.status, body(renew).errors], [400, ['batch tokens cannot be renewed']]);
    const revoke = await send(vault, 'update', 'auth/token/revoke-self', { token });
    assert.deepEqual([revoke.status, body(revoke).errors], [400, ['batch tokens cannot be revoked']]);
    const cubby = await send(vault, 'update', 'cubbyhole/note', { token, body: { v: 'x' } });
    assert.deepEqual([cubby.status, body(cubby).errors], [400, ['cubbyhole operations are only supported by service tokens']]);
  });

  it('lets the auth method\'s role choose where the mount only sets a default', async () => {
    await addUser('up2', 'bob');
    await addUser('up2', 'carol', { token_type: 'service' });
    assert.equal((await login('up2', 'bob'))['token_type'], 'batch', 'default-batch mount');
    assert.equal((await login('up2', 'carol'))['token_type'], 'service', 'the role asked for service');
    await send(vault, 'update', 'sys/auth/up2/tune', { body: { token_type: 'default-service' } });
    await addUser('up2', 'dave', { token_type: 'batch' });
    assert.equal((await login('up2', 'bob'))['token_type'], 'service');
    assert.equal((await login('up2', 'dave'))['token_type'], 'batch', 'the role asked for batch');
    // Vault's tokenutil: a batch role has no use limit and no period.
    const limited = await addUser('up2', 'erin', { token_type: 'batch', token_num_uses: 2 });
    assert.equal(limited.status, 400);
    assert.equal(body(await send(vault, 'read', 'auth/up2/users/dave')).data.token_type, 'batch');
  });

  it('audits a batch token as an HMAC, with no accessor and its hash as the Token principal', async () => {
    const dir = await tempDir();
    const file = join(dir, 'audit.log');
    try {
      assert.equal((await send(vault, 'update', 'sys/audit/b', { body: { type: 'file', options: { file_path: file } } })).status, 204);
      const created = body(await send(vault, 'update', 'auth/token/create', { body: { type: 'batch', policies: ['reader'] } })).auth;
      const token = created.client_token as string;
      assert.equal((await send(vault, 'read', 'secret/data/app', { token })).status, 200);
      assert.ok(!(await readFile(file, 'utf8')).includes(token), 'the token never reaches the log');
      const logged = (await entries(file)).filter((e) => e.request?.path === 'secret/data/app');
      assert.equal(logged.length, 2);
      for (const e of logged) {
        assert.match(e.auth.client_token, /^hmac-sha256:/);
        assert.equal(e.auth.accessor, '');
        assert.equal(e.request.client_token_accessor, '');
        assert.match(e.auth.principal, /^Token::"[0-9a-f]{64}"$/);
      }
      const issued = (await entries(file)).find((e) => e.type === 'response' && e.request?.path === 'auth/token/create');
      assert.equal(issued?.response.auth.accessor, '');
      assert.match(issued?.response.auth.client_token, /^hmac-sha256:/);
    } finally {
      await send(vault, 'delete', 'sys/audit/b');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
