import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsVault } from '../../framework/engine-harness.js';
import { dataOf, mountPki } from './pki-test-kit.js';

describe('pki roles', () => {
  it('creates, merges updates, lists, reads and deletes roles with per-role Cedar resources', async () => {
    const h = await mountPki();
    const created = await h.call('update', 'roles/web', { allowed_domains: 'example.com', allow_subdomains: true, ttl: '1h', max_ttl: '24h' });
    assert.equal(created.operation, 'create');
    assert.deepEqual(created.authz, { action: 'create', resource: 'pki/roles/web' });
    const updated = await h.call('update', 'roles/web', { key_type: 'rsa', key_bits: 3072 });
    assert.equal(updated.operation, 'update');
    const role = await dataOf(h, 'read', 'roles/web');
    assert.deepEqual(role['allowed_domains'], ['example.com']);
    assert.equal(role['allow_subdomains'], true);
    assert.equal(role['key_type'], 'rsa');
    assert.equal(role['key_bits'], 3072);
    assert.equal(role['max_ttl'], 86400);
    await h.send('update', 'roles/api', {});
    const list = await h.call('list', 'roles');
    assert.deepEqual(list.authz, { action: 'list', resource: 'pki/roles' });
    assert.deepEqual(list.response!.data!['keys'], ['api', 'web']);
    await h.send('delete', 'roles/web');
    await rejectsVault(h.send('read', 'roles/web'), 404);
  });

  it('refuses roles that could never issue, with 400', async () => {
    const h = await mountPki();
    await rejectsVault(h.send('update', 'roles/x', { ttl: '2h', max_ttl: '1h' }), 400, /greater than max_ttl/);
    await rejectsVault(h.send('update', 'roles/x', { key_type: 'ec', key_bits: 2048 }), 400, /bit length/);
    await rejectsVault(h.send('update', 'roles/x', { ext_key_usage: ['Teleportation'] }), 400, /unknown extended key usage/);
    await rejectsVault(h.send('update', 'roles/x', { key_usage: ['Sneeze'] }), 400, /unknown key usage/);
    await rejectsVault(h.send('update', 'roles/x', { key_type: 'dsa' }), 400);
    await rejectsVault(h.send('list', 'roles'), 404);
  });

  it('refuses issue under a key_type=any role (sign only), as Vault does', async () => {
    const h = await mountPki();
    await h.send('update', 'root/generate/internal', { common_name: 'R' });
    await h.send('update', 'roles/any', { allow_any_name: true, key_type: 'any' });
    await rejectsVault(h.send('update', 'issue/any', { common_name: 'a.example.com' }), 400, /only signing/);
  });
});
