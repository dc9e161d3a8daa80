import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsVault, type EngineHarness } from '../framework/engine-harness.js';
import { identityHarness, JWT_ACCESSOR, USERPASS_ACCESSOR } from './identity-test-kit.js';

const idOf = async (p: Promise<{ data?: Record<string, unknown> | null } | undefined>) => (await p)?.data?.['id'] as string;
const externalGroup = (h: EngineHarness, name: string) => idOf(h.send('update', 'group', { name, type: 'external', policies: ['dev'] }));

describe('identity external groups', () => {
  it('creates external groups and keeps their type and members out of hand-written reach', async () => {
    const { h } = await identityHarness();
    const alice = await idOf(h.send('update', 'entity', { name: 'alice' }));
    const ext = await externalGroup(h, 'idp-devs');
    const read = (await h.send('read', `group/id/${ext}`))?.data;
    assert.equal(read?.['type'], 'external');
    assert.deepEqual(read?.['alias'], {});
    assert.deepEqual(read?.['member_entity_ids'], []);
    assert.equal((await h.send('read', 'group/name/idp-devs'))?.data?.['type'], 'external');

    const bad = (path: string, body: Record<string, unknown>, message: string) => rejectsVault(h.send('update', path, body), 400, message);
    const noEntities = "member entities can't be set manually for external groups";
    const noGroups = "member groups can't be set for external groups";
    await bad('group', { name: 'other-ext', type: 'external', member_entity_ids: [alice] }, noEntities);
    await bad('group', { name: 'other-ext', type: 'external', member_group_ids: [] }, noGroups);
    await bad(`group/id/${ext}`, { member_entity_ids: [alice] }, noEntities);
    await bad('group/name/idp-devs', { member_group_ids: [ext] }, noGroups);
    await bad(`group/id/${ext}`, { type: 'internal' }, 'group type cannot be changed');
    const internal = await idOf(h.send('update', 'group', { name: 'staff' }));
    await bad('group/name/staff', { type: 'external' }, 'group type cannot be changed');
    await bad('group', { name: 'x', type: 'bogus' }, 'invalid group type `bogus`');
    // hvac sends null for options it does not set: not a hand-set membership.
    await h.send('update', `group/id/${ext}`, { policies: ['dev', 'ops'], member_entity_ids: null, member_group_ids: null, type: 'external' });
    assert.deepEqual((await h.send('read', `group/id/${ext}`))?.data?.['policies'], ['dev', 'ops']);
    // An external group may be a member of an internal one.
    await h.send('update', `group/id/${internal}`, { member_group_ids: [ext] });
    assert.deepEqual((await h.send('read', `group/id/${ext}`))?.data?.['parent_group_ids'], [internal]);
  });

  it('creates, reads, updates, lists and deletes group aliases with Vault shapes', async () => {
    const { h, store } = await identityHarness();
    const ext = await externalGroup(h, 'idp-devs');
    const created = await h.call('update', 'group-alias', { name: 'vault-devs', mount_accessor: JWT_ACCESSOR, canonical_id: ext });
    assert.equal(created.operation, 'create');
    const aliasId = created.response?.data?.['id'] as string;
    assert.deepEqual(created.response?.data, { id: aliasId, canonical_id: ext });

    const read = await h.call('read', `group-alias/id/${aliasId}`);
    assert.deepEqual(read.authz, { action: 'read', resource: `identity/group-alias/${aliasId}` });
    const alias = read.response?.data;
    assert.equal(alias?.['name'], 'vault-devs');
    assert.equal(alias?.['canonical_id'], ext);
    assert.equal(alias?.['mount_accessor'], JWT_ACCESSOR);
    assert.equal(alias?.['mount_type'], 'jwt');
    assert.equal(alias?.['mount_path'], 'auth/jwt/');
    assert.equal(alias?.['metadata'], null);
    for (const key of ['creation_time', 'last_update_time', 'merged_from_canonical_ids']) assert.ok(key in alias!);
    const group = (await h.send('read', `group/id/${ext}`))?.data;
    assert.equal((group?.['alias'] as Record<string, unknown>)['id'], aliasId);
    assert.equal((group?.['alias'] as Record<string, unknown>)['name'], 'vault-devs');
    assert.deepEqual((await h.send('list', 'group-alias/id'))?.data, { keys: [aliasId] });
    assert.equal(store.groupAliasByName(JWT_ACCESSOR, 'vault-devs')?.canonicalId, ext);

    // The same write again changes nothing: 204, as Vault answers.
    assert.equal(await h.send('update', `group-alias/id/${aliasId}`, { name: 'vault-devs', mount_accessor: JWT_ACCESSOR }), undefined);
    // A rename through the register path with `id`.
    const renamed = await h.call('update', 'group-alias', { id: aliasId, name: 'vault-developers', mount_accessor: JWT_ACCESSOR });
    assert.equal(renamed.operation, 'update');
    assert.deepEqual(renamed.response?.data, { id: aliasId, canonical_id: ext });
    assert.equal(store.groupAliasByName(JWT_ACCESSOR, 'vault-devs'), undefined);
    assert.equal(store.groupAliasByName(JWT_ACCESSOR, 'vault-developers')?.id, aliasId);

    // Looked up by alias, like entities.
    const looked = await h.call('update', 'lookup/group', { alias_name: 'vault-developers', alias_mount_accessor: JWT_ACCESSOR });
    assert.equal(looked.response?.data?.['id'], ext);
    assert.deepEqual(looked.authz, { action: 'read', resource: 'identity/lookup/group' });
    assert.equal((await h.send('update', 'lookup/group', { alias_id: aliasId }))?.data?.['name'], 'idp-devs');
    assert.equal(await h.send('update', 'lookup/group', { alias_name: 'nobody', alias_mount_accessor: JWT_ACCESSOR }), undefined);
    await rejectsVault(h.send('update', 'lookup/group', { alias_name: 'vault-developers' }), 400, /must be given together/);
    await rejectsVault(h.send('update', 'lookup/group', { name: 'idp-devs', alias_id: aliasId }), 400, /only one of/);

    await h.send('delete', `group-alias/id/${aliasId}`);
    await rejectsVault(h.send('read', `group-alias/id/${aliasId}`), 404);
    await rejectsVault(h.send('list', 'group-alias/id'), 404);
    assert.deepEqual((await h.send('read', `group/id/${ext}`))?.data?.['alias'], {}, 'the group stays, without an alias');
  });

  it('answers Vault 400s for bad group alias writes', async () => {
    const { h } = await identityHarness();
    const ext = await externalGroup(h, 'idp-devs');
    const other = await externalGroup(h, 'idp-ops');
    const internal = await idOf(h.send('update', 'group', { name: 'staff' }));
    const bad = (path: string, body: Record<string, unknown>, message: string | RegExp) => rejectsVault(h.send('update', path, body), 400, message);
    const valid = { name: 'vault-devs', mount_accessor: JWT_ACCESSOR, canonical_id: ext };
    await bad('group-alias', { ...valid, mount_accessor: 'auth_nope_9' }, 'invalid mount accessor `auth_nope_9`');
    await bad('group-alias', { ...valid, name: undefined }, 'missing required field `name`');
    await bad('group-alias', { ...valid, mount_accessor: undefined }, 'missing required field `mount_accessor`');
    await bad('group-alias', { ...valid, canonical_id: 'no-such-group' }, /`no-such-group` given in `canonical_id` does not exist/);
    await bad('group-alias', { ...valid, canonical_id: internal }, "alias can't be set on an internal group");
    await bad('group-alias', { ...valid, id: 'no-such-alias' }, 'group alias id `no-such-alias` does not exist');
    await bad('group-alias/id/no-such-alias', valid, 'group alias id `no-such-alias` does not exist');
    const aliasId = await idOf(h.send('update', 'group-alias', valid));
    // `(name, mount_accessor)` names one group alias.
    await bad('group-alias', { ...valid, canonical_id: other }, 'combination of mount and group alias name is already in use');
    // The same name on another mount, or as an entity alias, is someone else.
    assert.ok(await idOf(h.send('update', 'group-alias', { ...valid, canonical_id: other, mount_accessor: USERPASS_ACCESSOR })));
    const entity = await idOf(h.send('update', 'entity', { name: 'e' }));
    assert.ok(await idOf(h.send('update', 'entity-alias', { name: 'vault-devs', mount_accessor: JWT_ACCESSOR, canonical_id: entity })));
    // Updates need name and mount accessor too, as in Vault.
    await bad(`group-alias/id/${aliasId}`, { name: 'renamed' }, 'missing required field `mount_accessor`');
  });

  it('moves aliases between groups, replaces a group\'s alias, and creates a group for an alias without one', async () => {
    const { h, store } = await identityHarness();
    const a = await externalGroup(h, 'a');
    const b = await externalGroup(h, 'b');
    const first = await idOf(h.send('update', 'group-alias', { name: 'one', mount_accessor: JWT_ACCESSOR, canonical_id: a }));
    await h.send('update', `group-alias/id/${first}`, { name: 'one', mount_accessor: JWT_ACCESSOR, canonical_id: b });
    assert.equal(store.group(a)?.alias, undefined);
    assert.equal(store.group(b)?.alias?.id, first);
    // A group has one alias: a second one replaces the first.
    const second = await idOf(h.send('update', 'group-alias', { name: 'two', mount_accessor: JWT_ACCESSOR, canonical_id: b }));
    assert.equal(store.group(b)?.alias?.id, second);
    assert.equal(store.groupAlias(first), undefined);
    assert.equal(store.groupAliasByName(JWT_ACCESSOR, 'one'), undefined);
    // No canonical_id: Vault makes a new external group for the alias.
    const res = (await h.send('update', 'group-alias', { name: 'three', mount_accessor: JWT_ACCESSOR }))?.data;
    const made = store.group(res?.['canonical_id'] as string);
    assert.equal(made?.type, 'external');
    assert.match(made?.name ?? '', /^group_[0-9a-f]{8}$/);
    assert.equal(made?.alias?.id, res?.['id']);
    // Deleting a group deletes its alias.
    await h.send('delete', `group/id/${b}`);
    assert.equal(store.groupAlias(second), undefined);
    assert.deepEqual(store.groupAliasIds(), [res?.['id']]);
  });
});
