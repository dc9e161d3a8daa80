import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsVault } from '../framework/engine-harness.js';
import { identityHarness as setup } from './identity-test-kit.js';

describe('identity engine', () => {
  it('creates, reads, updates, lists and deletes entities with Vault shapes', async () => {
    const { h } = await setup();
    const created = await h.call('update', 'entity', { name: 'alice', policies: ['dev'], metadata: { team: 'a' }, disabled: null });
    assert.equal(created.operation, 'create');
    assert.deepEqual(created.authz, { action: 'create', resource: 'identity/entity/alice' });
    const id = created.response?.data?.['id'] as string;
    assert.deepEqual(created.response?.data, { id, name: 'alice', aliases: null });

    const read = (await h.send('read', `entity/id/${id}`))?.data;
    assert.equal(read?.['name'], 'alice');
    assert.deepEqual(read?.['policies'], ['dev']);
    assert.deepEqual(read?.['metadata'], { team: 'a' });
    assert.equal(read?.['disabled'], false);
    assert.deepEqual(read?.['aliases'], []);
    for (const key of ['creation_time', 'last_update_time', 'direct_group_ids', 'group_ids', 'inherited_group_ids']) assert.ok(key in read!);

    // POST by name updates the same entity; the id path is authorized by the entity's name.
    const upd = await h.call('update', 'entity/name/alice', { policies: ['dev', 'ops'] });
    assert.equal(upd.operation, 'update');
    assert.equal(upd.response?.data?.['id'], id);
    const byId = await h.call('read', `entity/id/${id}`);
    assert.deepEqual(byId.authz, { action: 'read', resource: 'identity/entity/alice' });
    assert.deepEqual(byId.response?.data?.['policies'], ['dev', 'ops']);

    assert.deepEqual((await h.send('list', 'entity/name'))?.data, { keys: ['alice'] });
    assert.deepEqual((await h.send('list', 'entity/id'))?.data, { keys: [id] });
    await h.send('delete', 'entity/name/alice');
    await rejectsVault(h.send('read', `entity/id/${id}`), 404);
    await rejectsVault(h.send('list', 'entity/id'), 404);
    await rejectsVault(h.send('update', 'entity/id/nope', { policies: ['x'] }), 400);
  });

  it('manages aliases and checks mount accessors', async () => {
    const { h } = await setup();
    const id = (await h.send('update', 'entity', { name: 'bob' }))?.data?.['id'] as string;
    await rejectsVault(h.send('update', 'entity-alias', { name: 'bob', canonical_id: id, mount_accessor: 'nope' }), 400, /mount accessor/);
    await rejectsVault(h.send('update', 'entity-alias', { name: 'bob', mount_accessor: 'auth_userpass_1' }), 400);
    const res = await h.send('update', 'entity-alias', { name: 'bob', canonical_id: id, mount_accessor: 'auth_userpass_1' });
    const aliasId = res?.data?.['id'] as string;
    assert.deepEqual(res?.data, { id: aliasId, canonical_id: id });
    const alias = (await h.send('read', `entity-alias/id/${aliasId}`))?.data;
    assert.equal(alias?.['mount_type'], 'userpass');
    assert.equal(alias?.['mount_path'], 'auth/userpass/');
    assert.equal(alias?.['name'], 'bob');
    assert.equal(((await h.send('read', `entity/id/${id}`))?.data?.['aliases'] as unknown[]).length, 1);
    assert.deepEqual((await h.send('list', 'entity-alias/id'))?.data, { keys: [aliasId] });
    const looked = await h.call('update', 'lookup/entity', { alias_name: 'bob', alias_mount_accessor: 'auth_userpass_1' });
    assert.equal(looked.response?.data?.['id'], id);
    assert.deepEqual(looked.authz, { action: 'read', resource: 'identity/lookup/entity' });
    await h.send('delete', `entity-alias/id/${aliasId}`);
    await rejectsVault(h.send('read', `entity-alias/id/${aliasId}`), 404);
  });

  it('makes groups of entities and groups, with hvac-style nulls', async () => {
    const { h, store } = await setup();
    const alice = (await h.send('update', 'entity', { name: 'alice' }))?.data?.['id'] as string;
    const dev = await h.call('update', 'group', {
      name: 'developers',
      policies: ['dev'],
      member_entity_ids: [alice],
      member_group_ids: null,
      metadata: null,
      type: null,
    });
    assert.equal(dev.operation, 'create');
    assert.deepEqual(dev.authz, { action: 'create', resource: 'identity/group/developers' });
    const devId = dev.response?.data?.['id'] as string;
    assert.deepEqual(dev.response?.data, { id: devId, name: 'developers' });
    await h.send('update', 'group/name/engineering', { member_group_ids: [devId] });
    assert.deepEqual(store.groupsOf(alice), ['developers', 'engineering']);

    const read = await h.call('read', `group/id/${devId}`);
    assert.deepEqual(read.authz, { action: 'read', resource: 'identity/group/developers' });
    const g = read.response?.data;
    assert.equal(g?.['type'], 'internal');
    assert.deepEqual(g?.['member_entity_ids'], [alice]);
    assert.deepEqual(g?.['member_group_ids'], []);
    assert.equal((g?.['parent_group_ids'] as string[]).length, 1);
    const entity = (await h.send('read', `entity/id/${alice}`))?.data;
    assert.deepEqual(entity?.['direct_group_ids'], [devId]);
    assert.equal((entity?.['group_ids'] as string[]).length, 2);

    assert.deepEqual((await h.send('list', 'group/name'))?.data, { keys: ['developers', 'engineering'] });
    assert.equal((await h.send('update', 'lookup/group', { name: 'engineering' }))?.data?.['name'], 'engineering');
    assert.equal(await h.send('update', 'lookup/group', { name: 'nobody' }), undefined);
    await rejectsVault(h.send('update', 'lookup/group', {}), 400);
    await rejectsVault(h.send('update', 'group', { name: 'x', type: 'bogus' }), 400, 'invalid group type `bogus`');
    await rejectsVault(h.send('update', 'group', { name: 'x', member_entity_ids: 'not-an-entity' }), 400);

    await h.send('delete', 'group/name/engineering');
    assert.deepEqual(store.groupsOf(alice), ['developers']);
    await h.send('delete', `group/id/${devId}`);
    assert.deepEqual(store.groupsOf(alice), []);
    await rejectsVault(h.send('read', 'group/name/developers'), 404);
  });
});
