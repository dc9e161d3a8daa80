import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsVault } from '../../framework/engine-harness.js';
import type { Fields } from '../../framework/fields.js';
import { mountSsh } from './test-support.js';

describe('ssh roles', () => {
  it('writes, reads back with Vault shapes, lists and deletes', async () => {
    const h = await mountSsh();
    const written = await h.call('update', 'roles/dev', {
      key_type: 'ca',
      allowed_users: ['alice', 'bob'],
      default_user: 'alice',
      allow_user_certificates: true,
      allowed_extensions: 'permit-pty,permit-port-forwarding',
      default_extensions: { 'permit-pty': '' },
      ttl: '30m',
      max_ttl: '2h',
      allowed_user_key_lengths: { rsa: [2048, 4096], ed25519: 0 },
    });
    assert.deepEqual(written.authz, { action: 'configure', resource: 'ssh/dev' });
    assert.equal(written.response, undefined);

    const read = await h.call('read', 'roles/dev');
    assert.deepEqual(read.authz, { action: 'read', resource: 'ssh/dev' });
    assert.deepEqual(read.response?.data, {
      key_type: 'ca',
      allowed_users: 'alice,bob',
      default_user: 'alice',
      allowed_domains: '',
      allow_bare_domains: false,
      allow_subdomains: false,
      allowed_extensions: 'permit-pty,permit-port-forwarding',
      default_extensions: { 'permit-pty': '' },
      allowed_critical_options: '',
      default_critical_options: {},
      ttl: 1800,
      max_ttl: 7200,
      allow_user_certificates: true,
      allow_host_certificates: false,
      allow_user_key_ids: false,
      key_id_format: '',
      algorithm_signer: 'default',
      not_before_duration: 30,
      allow_empty_principals: false,
      allowed_user_key_lengths: { rsa: [2048, 4096], ed25519: [0] },
    });

    await h.send('update', 'roles/ops', { key_type: 'ca', allow_host_certificates: true, allowed_domains: 'example.com' });
    const list = await h.call('list', 'roles');
    assert.deepEqual(list.authz, { action: 'list', resource: 'ssh' });
    assert.deepEqual(list.response?.data, { keys: ['dev', 'ops'], key_info: { dev: { key_type: 'ca' }, ops: { key_type: 'ca' } } });

    const del = await h.call('delete', 'roles/dev');
    assert.deepEqual(del.authz, { action: 'delete', resource: 'ssh/dev' });
    await rejectsVault(h.send('read', 'roles/dev'), 404);
    await h.send('delete', 'roles/ops');
    await rejectsVault(h.send('list', 'roles'), 404);
  });

  it('replaces a role wholesale on rewrite, as Vault does', async () => {
    const h = await mountSsh();
    await h.send('update', 'roles/dev', { key_type: 'ca', allowed_users: '*', allow_user_certificates: true });
    await h.send('update', 'roles/dev', { key_type: 'ca', allow_host_certificates: true });
    const data = (await h.send('read', 'roles/dev'))?.data;
    assert.equal(data?.['allowed_users'], '');
    assert.equal(data?.['allow_user_certificates'], false);
    assert.equal(data?.['allow_host_certificates'], true);
  });

  it('refuses otp and dynamic roles and other bad input with 400', async () => {
    const h = await mountSsh();
    await rejectsVault(h.send('update', 'roles/otp', { key_type: 'otp', default_user: 'x', cidr_list: '0.0.0.0/0' }), 400, /key_type `otp` is not supported/);
    await rejectsVault(h.send('update', 'roles/dyn', { key_type: 'dynamic' }), 400, /key_type `dynamic` is not supported/);
    await rejectsVault(h.send('update', 'roles/x', {}), 400, /missing required field `key_type`/);
    await rejectsVault(h.send('update', 'roles/x', { key_type: 'ca', ttl: '2h', max_ttl: '1h' }), 400, /`ttl` must not be greater than `max_ttl`/);
    await rejectsVault(h.send('update', 'roles/x', { key_type: 'ca', algorithm_signer: 'rsa-sha1' }), 400, /algorithm_signer/);
    await rejectsVault(h.send('update', 'roles/x', { key_type: 'ca', default_extensions: { 'permit-pty': 1 } }), 400, /default_extensions/);
    await rejectsVault(h.send('update', 'roles/x', { key_type: 'ca', allowed_user_key_lengths: { dsa: 1024 } }), 400, /unknown key type `dsa`/);
    await rejectsVault(h.send('update', 'roles/x', { key_type: 'ca', allowed_user_key_lengths: { rsa: 'big' } }), 400, /must be sizes in bits/);
    await rejectsVault(h.send('update', 'roles/x', { key_type: 'ca', not_before_duration: 'soon' }), 400, /not_before_duration/);
    await rejectsVault(h.send('read', 'roles/x'), 404);
  });

  it('warns about SHA-1 signing and empty principals', async () => {
    const h = await mountSsh();
    const res = await h.send('update', 'roles/legacy', { key_type: 'ca', algorithm_signer: 'ssh-rsa', allow_empty_principals: true });
    assert.equal(res?.warnings?.length, 2);
    assert.match(res?.warnings?.[0] ?? '', /sha-1/);
    assert.match(res?.warnings?.[1] ?? '', /every principal/);
  });

  it('names nested mounts in Cedar resources without the trailing slash', async () => {
    const h = await mountSsh({ path: 'team/ssh/' });
    assert.deepEqual((await h.call('update', 'roles/dev', { key_type: 'ca' })).authz, { action: 'configure', resource: 'team/ssh/dev' });
  });

  it('declares help and field descriptions on every path', async () => {
    const h = await mountSsh();
    for (const spec of h.engine.paths) {
      assert.ok(spec.help.synopsis.length > 0);
      assert.ok((spec.help.description ?? '').length > 0);
      const fields: Fields = spec.fields;
      for (const [name, field] of Object.entries(fields)) assert.ok(field.description.length > 0, name);
      for (const op of Object.values(spec.operations)) assert.ok(op !== undefined && op.summary.length > 0);
    }
  });
});
