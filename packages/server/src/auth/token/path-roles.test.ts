import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenHarness } from './test-harness.js';

describe('auth/token/roles', () => {
  it('creates, reads, lists, updates and deletes roles', async () => {
    const h = await new TokenHarness().start();
    await assert.rejects(h.request(h.rootToken, 'list', 'roles'), { status: 404, message: '' });
    await h.request(h.rootToken, 'update', 'roles/nomad', { allowed_policies: 'dev,ops', orphan: true, token_period: '1h' });
    const data = (await h.request(h.rootToken, 'read', 'roles/nomad'))?.data ?? {};
    assert.deepEqual(data['allowed_policies'], ['dev', 'ops']);
    assert.equal(data['orphan'], true);
    assert.equal(data['renewable'], true);
    assert.equal(data['token_period'], 3600);
    assert.equal(data['period'], 3600);
    assert.equal(data['token_type'], 'default-service');
    assert.equal(data['name'], 'nomad');
    assert.deepEqual((await h.request(h.rootToken, 'list', 'roles'))?.data, { keys: ['nomad'] });
    await h.request(h.rootToken, 'update', 'roles/nomad', { renewable: false });
    const updated = (await h.request(h.rootToken, 'read', 'roles/nomad'))?.data ?? {};
    assert.equal(updated['renewable'], false);
    assert.deepEqual(updated['allowed_policies'], ['dev', 'ops']);
    await h.request(h.rootToken, 'delete', 'roles/nomad');
    await assert.rejects(h.request(h.rootToken, 'read', 'roles/nomad'), { status: 404 });
    await assert.rejects(h.request(h.rootToken, 'update', 'roles/x', { token_type: 'batch' }), { status: 400 });
  });

  it('creates tokens against a role, beyond the caller\'s own policies', async () => {
    const h = await new TokenHarness().start();
    await h.request(h.rootToken, 'update', 'roles/app', {
      allowed_policies: ['app', 'metrics'],
      disallowed_policies: ['admin'],
      orphan: true,
      path_suffix: 'v2',
      token_period: '10m',
    });
    const caller = await h.createToken(h.rootToken, { policies: ['other'] });
    const t = await h.createToken(caller.token, { policies: ['app'] }, 'create/app');
    const entry = await h.store.lookup(t.token);
    assert.deepEqual(entry?.policies, ['app', 'default']);
    assert.equal(entry?.parent, undefined);
    assert.equal(entry?.path, 'auth/token/create/app/v2');
    assert.equal(entry?.period, 600);
    assert.equal(entry?.role, 'app');
    const defaults = await h.createToken(caller.token, {}, 'create/app');
    assert.deepEqual((await h.store.lookup(defaults.token))?.policies, ['app', 'default', 'metrics']);
    await assert.rejects(h.createToken(caller.token, { policies: ['admin'] }, 'create/app'), { status: 400 });
    await assert.rejects(h.createToken(caller.token, {}, 'create/missing'), { status: 400 });
  });
});
