import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountEngine, rejectsVault, type EngineHarness } from '../../framework/engine-harness.js';
import { approleEngine, INVALID_CREDENTIALS } from './index.js';

const mount = { path: 'auth/approle/', type: 'approle', kind: 'auth', accessor: 'auth_approle_1' } as const;

async function setup(role: Record<string, unknown> = {}) {
  const h = await mountEngine(approleEngine, mount);
  await h.send('update', 'role/ci', { token_policies: ['deploy'], token_ttl: '20m', token_max_ttl: '1h', ...role });
  const roleId = (await h.send('read', 'role/ci/role-id'))?.data?.['role_id'] as string;
  return { h, roleId };
}

const newSecret = async (h: EngineHarness, body: Record<string, unknown> = {}) =>
  (await h.send('update', 'role/ci/secret-id', body))?.data as { secret_id: string; secret_id_accessor: string; secret_id_ttl: number; secret_id_num_uses: number };

const login = (h: EngineHarness, body: Record<string, unknown>, remoteAddress = '127.0.0.1') =>
  h.send('update', 'login', body, { remoteAddress });

describe('approle', () => {
  it('creates, reads, lists and deletes roles', async () => {
    const { h, roleId } = await setup({ secret_id_ttl: '10m', secret_id_num_uses: 5, secret_id_bound_cidrs: null });
    assert.match(roleId, /^[0-9a-f-]{36}$/);
    const role = (await h.send('read', 'role/ci'))?.data;
    assert.equal(role?.['bind_secret_id'], true);
    assert.equal(role?.['secret_id_ttl'], 600);
    assert.equal(role?.['secret_id_num_uses'], 5);
    assert.deepEqual(role?.['token_policies'], ['deploy']);
    assert.equal(role?.['token_ttl'], 1200);
    assert.equal(role?.['token_max_ttl'], 3600);
    assert.deepEqual((await h.send('list', 'role'))?.data, { keys: ['ci'] });
    // Updating keeps the role id.
    await h.send('update', 'role/ci', { token_ttl: '30m' });
    assert.equal((await h.send('read', 'role/ci/role-id'))?.data?.['role_id'], roleId);
    await h.send('delete', 'role/ci');
    await rejectsVault(h.send('read', 'role/ci'), 404);
    await rejectsVault(h.send('list', 'role'), 404);
    await rejectsVault(login(h, { role_id: roleId, secret_id: 'x' }), 400, INVALID_CREDENTIALS);
  });

  it('logs in with a role id and a secret id', async () => {
    const { h, roleId } = await setup();
    const s = await newSecret(h, { metadata: '{"env":"prod"}' });
    assert.match(s.secret_id, /^[0-9a-f-]{36}$/);
    assert.equal(s.secret_id_num_uses, 0);
    const auth = (await login(h, { role_id: roleId, secret_id: s.secret_id }))?.auth;
    assert.deepEqual(auth?.policies, ['deploy']);
    assert.equal(auth?.ttl, 1200);
    assert.equal(auth?.maxTtl, 3600);
    assert.equal(auth?.displayName, 'ci');
    assert.deepEqual(auth?.metadata, { env: 'prod', role_name: 'ci' });
    assert.deepEqual(auth?.principal, { type: 'Service', id: 'ci' });
    assert.deepEqual(auth?.internal?.['alias'], { name: roleId, metadata: { role_name: 'ci' } });
    assert.ok(h.engine.unauthenticated?.includes('login'));
    // Unlimited uses: it works again.
    assert.ok((await login(h, { role_id: roleId, secret_id: s.secret_id }))?.auth);
  });

  it('gives one answer for bad role ids and secret ids, and 400 for bad input', async () => {
    const { h, roleId } = await setup();
    await rejectsVault(login(h, { role_id: 'nope', secret_id: 'x' }), 400, INVALID_CREDENTIALS);
    await rejectsVault(login(h, { role_id: roleId, secret_id: 'wrong' }), 400, INVALID_CREDENTIALS);
    await rejectsVault(login(h, { secret_id: 'x' }), 400, 'missing role_id');
    await rejectsVault(login(h, { role_id: roleId }), 400, 'missing secret_id');
    await rejectsVault(h.send('update', 'role/ci/secret-id', { metadata: 'not json' }), 400);
    await rejectsVault(h.send('update', 'role/ci/secret-id', { metadata: '{"a":1}' }), 400);
    await rejectsVault(h.send('update', 'role/ci/secret-id', { num_uses: -1 }), 400);
    await rejectsVault(h.send('update', 'role/ci/secret-id', { cidr_list: ['300.0.0.0/8'] }), 400);
    await rejectsVault(h.send('update', 'role/nope/secret-id', {}), 400);
    await rejectsVault(h.send('update', 'role/ci', { secret_id_num_uses: -2 }), 400);
    await rejectsVault(h.send('update', 'role/ci', { secret_id_ttl: 'soon' }), 400);
    await rejectsVault(h.send('update', 'role/bad name', {}), 400);
  });

  it('spends secret_id_num_uses, and a one-use secret id wins exactly one concurrent login', async () => {
    const { h, roleId } = await setup({ secret_id_num_uses: 2 });
    await rejectsVault(h.send('update', 'role/ci/secret-id', { num_uses: 3 }), 400);
    const two = await newSecret(h);
    assert.equal(two.secret_id_num_uses, 2);
    assert.ok((await login(h, { role_id: roleId, secret_id: two.secret_id }))?.auth);
    assert.equal((await h.send('update', 'role/ci/secret-id/lookup', { secret_id: two.secret_id }))?.data?.['secret_id_num_uses'], 1);
    assert.ok((await login(h, { role_id: roleId, secret_id: two.secret_id }))?.auth);
    await rejectsVault(login(h, { role_id: roleId, secret_id: two.secret_id }), 400, INVALID_CREDENTIALS);

    for (let round = 0; round < 5; round++) {
      const one = await newSecret(h, { num_uses: 1 });
      const results = await Promise.allSettled([1, 2, 3].map(() => login(h, { role_id: roleId, secret_id: one.secret_id })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}`);
    }
  });

  it('expires secret ids after secret_id_ttl, and tidy removes them', async () => {
    const { h, roleId } = await setup({ secret_id_ttl: '10m' });
    await rejectsVault(h.send('update', 'role/ci/secret-id', { ttl: '1h' }), 400);
    const s = await newSecret(h);
    const short = await newSecret(h, { ttl: '1m' });
    assert.equal(s.secret_id_ttl, 600);
    assert.equal(short.secret_id_ttl, 60);
    h.clock.advance(61);
    await rejectsVault(login(h, { role_id: roleId, secret_id: short.secret_id }), 400, INVALID_CREDENTIALS);
    assert.ok((await login(h, { role_id: roleId, secret_id: s.secret_id }))?.auth);
    const another = await newSecret(h);
    h.clock.advance(600);
    const tidy = await h.send('update', 'tidy/secret-id');
    assert.equal(tidy?.status, 202);
    assert.ok(![...h.store.entries.keys()].some((k) => k.includes('/secret-id/')), 'expired secret ids are gone');
    await rejectsVault(login(h, { role_id: roleId, secret_id: another.secret_id }), 400, INVALID_CREDENTIALS);
  });

  it('logs in without a secret id when bind_secret_id is false, within the bound CIDRs', async () => {
    const h = await mountEngine(approleEngine, mount);
    await rejectsVault(h.send('update', 'role/open', { bind_secret_id: false }), 400, /constraint/);
    await h.send('update', 'role/open', { bind_secret_id: false, secret_id_bound_cidrs: '10.0.0.0/8' });
    const roleId = (await h.send('read', 'role/open/role-id'))?.data?.['role_id'] as string;
    assert.deepEqual((await login(h, { role_id: roleId }, '10.2.3.4'))?.auth?.principal, { type: 'Service', id: 'open' });
    await rejectsVault(login(h, { role_id: roleId }, '192.168.0.1'), 400, /cidr/);
    await rejectsVault(h.send('update', 'role/open/secret-id', {}), 400);
  });

  it('enforces secret id cidr_list before spending a use', async () => {
    const { h, roleId } = await setup();
    const s = await newSecret(h, { cidr_list: '10.0.0.0/24', num_uses: 1 });
    await rejectsVault(login(h, { role_id: roleId, secret_id: s.secret_id }, '10.0.1.1'), 400, /cidr/);
    assert.ok((await login(h, { role_id: roleId, secret_id: s.secret_id }, '10.0.0.7'))?.auth);
  });

  it('sets a custom role id and registers custom secret ids', async () => {
    const { h, roleId } = await setup();
    await h.send('update', 'role/other', {});
    await h.send('update', 'role/ci/role-id', { role_id: 'my-role-id' });
    await rejectsVault(h.send('update', 'role/other/role-id', { role_id: 'my-role-id' }), 400, /already in use/);
    const custom = await h.send('update', 'role/ci/custom-secret-id', { secret_id: 'my-secret-id-123' });
    assert.equal(custom?.data?.['secret_id'], 'my-secret-id-123');
    await rejectsVault(h.send('update', 'role/ci/custom-secret-id', { secret_id: 'my-secret-id-123' }), 400);
    await rejectsVault(login(h, { role_id: roleId, secret_id: 'my-secret-id-123' }), 400, INVALID_CREDENTIALS);
    assert.ok((await login(h, { role_id: 'my-role-id', secret_id: 'my-secret-id-123' }))?.auth);
  });

  it('looks up, lists and destroys secret ids by value and by accessor', async () => {
    const { h, roleId } = await setup();
    const a = await newSecret(h, { metadata: { team: 'x' } });
    const b = await newSecret(h);
    assert.deepEqual((await h.send('list', 'role/ci/secret-id'))?.data?.['keys'], [a.secret_id_accessor, b.secret_id_accessor].sort());
    const byAccessor = (await h.send('update', 'role/ci/secret-id-accessor/lookup', { secret_id_accessor: a.secret_id_accessor }))?.data;
    assert.equal(byAccessor?.['secret_id_accessor'], a.secret_id_accessor);
    assert.deepEqual(byAccessor?.['metadata'], { team: 'x' });
    assert.ok(!JSON.stringify(byAccessor).includes(a.secret_id));
    await rejectsVault(h.send('update', 'role/ci/secret-id-accessor/lookup', { secret_id_accessor: 'nope' }), 404);
    await rejectsVault(h.send('update', 'role/ci/secret-id-accessor/lookup', {}), 400);

    await h.send('update', 'role/ci/secret-id/destroy', { secret_id: a.secret_id });
    assert.equal(await h.send('update', 'role/ci/secret-id/lookup', { secret_id: a.secret_id }), undefined);
    await rejectsVault(login(h, { role_id: roleId, secret_id: a.secret_id }), 400, INVALID_CREDENTIALS);
    await h.send('update', 'role/ci/secret-id-accessor/destroy', { secret_id_accessor: b.secret_id_accessor });
    await rejectsVault(login(h, { role_id: roleId, secret_id: b.secret_id }), 400, INVALID_CREDENTIALS);
    await rejectsVault(h.send('list', 'role/ci/secret-id'), 404);
  });

  it('stores secret ids only as salted hashes', async () => {
    const { h, roleId } = await setup();
    const s = await newSecret(h);
    await h.send('update', 'role/ci/custom-secret-id', { secret_id: 'custom-plaintext-secret' });
    await login(h, { role_id: roleId, secret_id: s.secret_id });
    const text = [...h.store.entries].map(([k, v]) => k + '\n' + Buffer.from(v).toString('utf8')).join('\n');
    assert.ok(!text.includes(s.secret_id));
    assert.ok(!text.includes('custom-plaintext-secret'));
    // Storage paths are not encrypted: role ids and accessors appear in keys only as digests.
    const keys = [...h.store.entries.keys()].join('\n');
    assert.ok(!keys.includes(roleId));
    assert.ok(!keys.includes(s.secret_id_accessor));
  });
});
