import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, MapStore } from '../framework/engine-harness.js';
import { encodeJson, PrefixView } from '../storage/storage-view.js';
import type { Group } from './identity-records.js';
import { IdentityStore } from './identity-store.js';
import { applyLoginIdentity } from './login-identity.js';
import { testMount } from '../framework/engine-harness.js';

async function open(raw = new MapStore()) {
  const view = new PrefixView(raw, 'sys/identity/');
  return { raw, view, store: await IdentityStore.open(view, new FakeClock()) };
}

const login = { mountAccessor: 'auth_userpass_1', mountType: 'userpass', aliasName: 'alice' };

describe('IdentityStore', () => {
  it('finds or creates the entity behind a login alias, once', async () => {
    const { store, raw } = await open();
    const a = await store.findOrCreateForLogin(login);
    const b = await store.findOrCreateForLogin(login);
    assert.equal(a.id, b.id);
    assert.match(a.name, /^entity_[0-9a-f]{8}$/);
    assert.equal(a.aliases.length, 1);
    assert.equal(a.aliases[0]!.name, 'alice');
    assert.equal(a.aliases[0]!.canonicalId, a.id);
    // Another mount's `alice` is someone else.
    const other = await store.findOrCreateForLogin({ ...login, mountAccessor: 'auth_userpass_2' });
    assert.notEqual(other.id, a.id);
    // It survives a restart.
    const reopened = await IdentityStore.open(new PrefixView(raw, 'sys/identity/'));
    assert.equal(reopened.aliasByName('auth_userpass_1', 'alice')?.canonicalId, a.id);
  });

  it('creates one entity when the same first login races itself', async () => {
    const { store } = await open();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => store.findOrCreateForLogin(login)));
    assert.equal(a!.id, b!.id);
    assert.equal(b!.id, c!.id);
    assert.equal(store.entityIds().length, 1);
  });

  it('answers groupsOf transitively, through nested groups', async () => {
    const { store } = await open();
    const alice = await store.findOrCreateForLogin(login);
    const dev = (await store.upsertGroup({ name: 'developers', memberEntityIds: [alice.id] })).group;
    const eng = (await store.upsertGroup({ name: 'engineering', memberGroupIds: [dev.id] })).group;
    await store.upsertGroup({ name: 'staff', memberGroupIds: [eng.id], policies: ['staff-read'] });
    await store.upsertGroup({ name: 'unrelated' });
    assert.deepEqual(store.groupsOf(alice.id), ['developers', 'engineering', 'staff']);
    assert.deepEqual(store.directGroupIds(alice.id), [dev.id]);
    assert.equal(store.inheritedGroupIds(alice.id).length, 2);
    assert.deepEqual(store.policiesOf(alice.id), ['staff-read']);
    assert.deepEqual(store.groupsOf('no-such-entity'), []);
    // A rename shows at once.
    await store.upsertGroup({ id: eng.id, name: 'eng' });
    assert.deepEqual(store.groupsOf(alice.id), ['developers', 'eng', 'staff']);
    // Removing the middle link cuts the chain.
    await store.upsertGroup({ id: eng.id, memberGroupIds: [] });
    assert.deepEqual(store.groupsOf(alice.id), ['developers']);
  });

  it('refuses a cyclic nesting and a self-membership', async () => {
    const { store } = await open();
    const a = (await store.upsertGroup({ name: 'a' })).group;
    const b = (await store.upsertGroup({ name: 'b', memberGroupIds: [a.id] })).group;
    await assert.rejects(store.upsertGroup({ id: a.id, memberGroupIds: [b.id] }), { status: 400 });
    await assert.rejects(store.upsertGroup({ id: a.id, memberGroupIds: [a.id] }), { status: 400 });
    await assert.rejects(store.upsertGroup({ name: 'c', memberEntityIds: ['nobody'] }), { status: 400 });
  });

  it('terminates on a cycle that arrives from storage', async () => {
    const raw = new MapStore();
    const view = new PrefixView(raw, 'sys/identity/');
    const seed = await IdentityStore.open(view);
    const alice = await seed.findOrCreateForLogin(login);
    const group = (id: string, name: string, members: string[], entities: string[] = []): Group => ({
      id, name, type: 'internal', policies: [], memberEntityIds: entities, memberGroupIds: members, metadata: {},
      creationTime: '', lastUpdateTime: '', modifyIndex: 1,
    });
    // g1 ∋ alice; g2 ∋ g1; g3 ∋ g2; g1 ∋ g3 — a cycle the API would refuse.
    await view.put('group/g1', encodeJson(group('g1', 'one', ['g3'], [alice.id])));
    await view.put('group/g2', encodeJson(group('g2', 'two', ['g1'])));
    await view.put('group/g3', encodeJson(group('g3', 'three', ['g2'])));
    const store = await IdentityStore.open(view);
    assert.deepEqual(store.groupsOf(alice.id), ['one', 'three', 'two']);
  });

  it('fires onChange on every membership change, and not after unsubscribing', async () => {
    const { store } = await open();
    let calls = 0;
    const off = store.onChange(() => calls++);
    const alice = await store.findOrCreateForLogin(login);
    assert.equal(calls, 1);
    await store.findOrCreateForLogin(login); // nothing changes
    assert.equal(calls, 1);
    const g = (await store.upsertGroup({ name: 'g' })).group;
    await store.upsertGroup({ id: g.id, memberEntityIds: [alice.id] });
    await store.deleteEntity(alice.id);
    assert.equal(calls, 4);
    assert.deepEqual(store.group(g.id)?.memberEntityIds, []);
    off();
    await store.deleteGroup(g.id);
    assert.equal(calls, 4);
  });

  it('keeps one alias per mount per entity and one owner per alias name', async () => {
    const { store } = await open();
    const e1 = (await store.upsertEntity({ name: 'one' })).entity;
    const e2 = (await store.upsertEntity({ name: 'two' })).entity;
    const a = await store.upsertAlias({ name: 'x', mountAccessor: 'acc', canonicalId: e1.id });
    await assert.rejects(store.upsertAlias({ name: 'y', mountAccessor: 'acc', canonicalId: e1.id }), { status: 400 });
    await assert.rejects(store.upsertAlias({ name: 'x', mountAccessor: 'acc', canonicalId: e2.id }), { status: 400 });
    // Moving the alias to another entity takes it off the first.
    await store.upsertAlias({ id: a.id, canonicalId: e2.id });
    assert.equal(store.entity(e1.id)?.aliases.length, 0);
    assert.equal(store.entity(e2.id)?.aliases[0]?.id, a.id);
    assert.equal((await store.findOrCreateForLogin({ mountAccessor: 'acc', mountType: 'userpass', aliasName: 'x' })).id, e2.id);
  });

  it('sets entity_id on a login result and refuses a disabled entity', async () => {
    const { store } = await open();
    const mount = testMount({ path: 'auth/userpass/', type: 'userpass', kind: 'auth', accessor: 'auth_userpass_1' });
    const issued = await applyLoginIdentity(store, mount, {
      policies: ['dev'],
      displayName: 'alice',
      internal: { username: 'alice', alias: { name: 'alice' } },
    });
    const entity = store.aliasByName('auth_userpass_1', 'alice');
    assert.equal(issued.entityId, entity?.canonicalId);
    assert.deepEqual(issued.internal, { username: 'alice' });
    await store.upsertEntity({ id: issued.entityId!, disabled: true });
    await assert.rejects(
      applyLoginIdentity(store, mount, { policies: [], displayName: 'alice', internal: { alias: { name: 'alice' } } }),
      { status: 403 },
    );
    // A result without an alias passes through.
    const plain = { policies: [], displayName: 'x' };
    assert.equal(await applyLoginIdentity(store, mount, plain), plain);
  });
});
