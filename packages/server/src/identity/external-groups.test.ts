import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, MapStore, testMount } from '../framework/engine-harness.js';
import { PrefixView } from '../storage/storage-view.js';
import { IdentityStore } from './identity-store.js';
import { applyLoginIdentity } from './login-identity.js';

const JWT = 'auth_jwt_1';
const GITHUB = 'auth_github_1';

/** A store with external groups `devs` and `ops` aliased on the JWT mount, `gh-team` on another mount, and internal `staff` ∋ `devs`. */
async function setup(raw = new MapStore()) {
  const store = await IdentityStore.open(new PrefixView(raw, 'sys/identity/'), new FakeClock());
  const external = async (name: string, accessor: string, alias: string) => {
    const { group } = await store.upsertGroup({ name, type: 'external' });
    await store.upsertGroupAlias({ name: alias, mountAccessor: accessor, canonicalId: group.id });
    return group.id;
  };
  const devs = await external('devs', JWT, 'idp-devs');
  const ops = await external('ops', JWT, 'idp-ops');
  const gh = await external('gh-team', GITHUB, 'idp-devs');
  await store.upsertGroup({ name: 'staff', memberGroupIds: [devs] });
  const alice = (await store.findOrCreateForLogin({ mountAccessor: JWT, mountType: 'jwt', aliasName: 'alice' })).id;
  return { store, raw, alice, devs, ops, gh };
}

describe('external group sync on login', () => {
  it('joins the groups aliased on this mount, nests them, and leaves what the claim drops', async () => {
    const { store, raw, alice, devs, ops } = await setup();
    await store.syncExternalGroups(alice, JWT, ['idp-devs', 'idp-ops', 'unknown-group']);
    assert.deepEqual(store.groupsOf(alice), ['devs', 'ops', 'staff'], 'not gh-team: its alias is on another mount');
    assert.deepEqual(store.group(devs)?.memberEntityIds, [alice]);
    // It is stored, not only in memory.
    const reopened = await IdentityStore.open(new PrefixView(raw, 'sys/identity/'));
    assert.deepEqual(reopened.groupsOf(alice), ['devs', 'ops', 'staff']);
    assert.equal(reopened.groupAliasByName(JWT, 'idp-ops')?.canonicalId, ops);

    await store.syncExternalGroups(alice, JWT, ['idp-ops']);
    assert.deepEqual(store.groupsOf(alice), ['ops']);
    await store.syncExternalGroups(alice, JWT, []);
    assert.deepEqual(store.groupsOf(alice), []);
  });

  it('keeps memberships another mount synced, and internal memberships', async () => {
    const { store, alice, gh } = await setup();
    const { group: team } = await store.upsertGroup({ name: 'team', memberEntityIds: [alice] });
    await store.syncExternalGroups(alice, GITHUB, ['idp-devs']);
    await store.syncExternalGroups(alice, JWT, ['idp-devs']);
    assert.deepEqual(store.groupsOf(alice), ['devs', 'gh-team', 'staff', 'team']);
    await store.syncExternalGroups(alice, JWT, []);
    assert.deepEqual(store.groupsOf(alice), ['gh-team', 'team']);
    assert.deepEqual(store.group(gh)?.memberEntityIds, [alice]);
    assert.deepEqual(store.group(team.id)?.memberEntityIds, [alice]);
  });

  it('writes and notifies only when a membership changes', async () => {
    const { store, alice } = await setup();
    let changes = 0;
    store.onChange(() => changes++);
    await store.syncExternalGroups(alice, JWT, ['idp-devs']);
    assert.equal(changes, 1);
    await store.syncExternalGroups(alice, JWT, ['idp-devs', 'not-mapped']);
    assert.equal(changes, 1, 'a repeated login changes nothing');
    await store.syncExternalGroups(alice, JWT, ['idp-ops']);
    assert.equal(changes, 2, 'one commit for a leave and a join');
  });

  it('leaves an external group whose alias was deleted', async () => {
    const { store, alice, devs } = await setup();
    await store.syncExternalGroups(alice, JWT, ['idp-devs']);
    await store.deleteGroupAlias(store.group(devs)!.alias!.id);
    await store.syncExternalGroups(alice, GITHUB, []);
    assert.deepEqual(store.groupsOf(alice), []);
  });

  it('applyLoginIdentity syncs from internal.groupAliases and keeps no copy of them', async () => {
    const { store } = await setup();
    const mount = testMount({ path: 'auth/jwt/', type: 'jwt', kind: 'auth', accessor: JWT });
    const login = (groups: unknown) =>
      applyLoginIdentity(store, mount, { policies: [], displayName: 'bob', alias: { name: 'bob' }, internal: { role: 'ci', groupAliases: groups } });
    const issued = await login(['idp-devs', 42, '']);
    assert.deepEqual(issued.internal, { role: 'ci' });
    assert.ok(!('alias' in issued));
    assert.deepEqual(store.groupsOf(issued.entityId!), ['devs', 'staff']);
    // A login without group names is a sync too: the memberships from this mount go.
    await login(undefined);
    assert.deepEqual(store.groupsOf(issued.entityId!), []);
  });
});
