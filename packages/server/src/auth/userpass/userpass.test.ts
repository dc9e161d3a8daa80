import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { mountEngine, rejectsVault, type EngineHarness } from '../../framework/engine-harness.js';
import { INVALID_CREDENTIALS, userpassEngine } from './index.js';

const mount = { path: 'auth/userpass/', type: 'userpass', kind: 'auth', accessor: 'auth_userpass_1' } as const;
const setup = () => mountEngine(userpassEngine, mount);

function storedText(h: EngineHarness): string {
  return [...h.store.entries].map(([k, v]) => k + '\n' + Buffer.from(v).toString('utf8')).join('\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('userpass', () => {
  it('creates a user, reads it without the password, and logs in', async () => {
    const h = await setup();
    await h.send('update', 'users/Alice', { password: 's3cret-pw', token_policies: 'dev,ops', token_ttl: '1h', token_max_ttl: null });
    const read = (await h.send('read', 'users/alice'))?.data;
    assert.deepEqual(read?.['token_policies'], ['dev', 'ops']);
    assert.equal(read?.['token_ttl'], 3600);
    assert.ok(!('password' in read!));
    assert.ok(!JSON.stringify(read).includes('s3cret-pw'));
    assert.deepEqual((await h.send('list', 'users'))?.data, { keys: ['alice'] });

    const auth = (await h.send('update', 'login/ALICE', { password: 's3cret-pw' }))?.auth;
    assert.deepEqual(auth?.policies, ['dev', 'ops']);
    assert.equal(auth?.displayName, 'alice');
    assert.deepEqual(auth?.metadata, { username: 'alice' });
    assert.equal(auth?.ttl, 3600);
    assert.deepEqual(auth?.principal, { type: 'User', id: 'alice' });
    assert.deepEqual(auth?.internal, { username: 'alice', alias: { name: 'alice' } });
    assert.ok(h.engine.unauthenticated?.includes('login/:username'));
  });

  it('gives the same 400 for a wrong password and an unknown user', async () => {
    const h = await setup();
    await h.send('update', 'users/alice', { password: 'right' });
    await rejectsVault(h.send('update', 'login/alice', { password: 'wrong' }), 400, INVALID_CREDENTIALS);
    await rejectsVault(h.send('update', 'login/mallory', { password: 'wrong' }), 400, INVALID_CREDENTIALS);
    await rejectsVault(h.send('update', 'login/alice', {}), 400, 'missing password');
  });

  it('takes the same time for a wrong password and an unknown user', async () => {
    const h = await setup();
    await h.send('update', 'users/alice', { password: 'right' });
    await h.send('update', 'login/nobody', { password: 'x' }).catch(() => undefined); // warm up
    const wrong: number[] = [];
    const unknown: number[] = [];
    const time = async (path: string, into: number[]) => {
      const t0 = performance.now();
      await h.send('update', path, { password: 'guess' }).catch(() => undefined);
      into.push(performance.now() - t0);
    };
    // Interleaved, so drift in machine load hits both series alike.
    for (let i = 0; i < 20; i++) {
      await time('login/alice', wrong);
      await time(`login/unknown-${i}`, unknown);
    }
    const ratio = median(wrong) / median(unknown);
    assert.ok(ratio > 0.5 && ratio < 2, `median wrong ${median(wrong).toFixed(1)} ms vs unknown ${median(unknown).toFixed(1)} ms`);
    // And the KDF is really doing memory-hard work, not returning early.
    assert.ok(median(unknown) > 5, `an unknown-user login took only ${median(unknown).toFixed(2)} ms`);
  });

  it('enforces token_bound_cidrs at login', async () => {
    const h = await setup();
    await h.send('update', 'users/bob', { password: 'pw', token_bound_cidrs: ['10.0.0.0/8', '2001:db8::/32'] });
    assert.ok((await h.send('update', 'login/bob', { password: 'pw' }, { remoteAddress: '10.1.2.3' }))?.auth);
    assert.ok((await h.send('update', 'login/bob', { password: 'pw' }, { remoteAddress: '::ffff:10.9.9.9' }))?.auth);
    assert.ok((await h.send('update', 'login/bob', { password: 'pw' }, { remoteAddress: '2001:db8::1' }))?.auth);
    await rejectsVault(h.send('update', 'login/bob', { password: 'pw' }, { remoteAddress: '192.168.1.1' }), 403);
    // A wrong password from outside still reads as a wrong password.
    await rejectsVault(h.send('update', 'login/bob', { password: 'no' }, { remoteAddress: '192.168.1.1' }), 400, INVALID_CREDENTIALS);
    await rejectsVault(h.send('update', 'users/bob', { token_bound_cidrs: ['10.0.0.0/33'] }), 400);
    await rejectsVault(h.send('update', 'users/bob', { token_bound_cidrs: ['not-a-cidr'] }), 400);
  });

  it('changes the password and the policies', async () => {
    const h = await setup();
    await h.send('update', 'users/carol', { password: 'old', policies: ['a'] });
    await h.send('update', 'users/carol/password', { password: 'new' });
    await rejectsVault(h.send('update', 'login/carol', { password: 'old' }), 400, INVALID_CREDENTIALS);
    assert.ok((await h.send('update', 'login/carol', { password: 'new' }))?.auth);
    await h.send('update', 'users/carol/policies', { token_policies: ['b', 'c'] });
    assert.deepEqual((await h.send('update', 'login/carol', { password: 'new' }))?.auth?.policies, ['b', 'c']);
    // Updating other fields keeps the password.
    await h.send('update', 'users/carol', { token_ttl: 60 });
    assert.equal((await h.send('update', 'login/carol', { password: 'new' }))?.auth?.ttl, 60);
    await rejectsVault(h.send('update', 'users/nobody/password', { password: 'x' }), 400);
    await rejectsVault(h.send('update', 'users/dave', {}), 400, 'missing password');
    await rejectsVault(h.send('update', 'users/dave', { password: 'x', token_num_uses: -1 }), 400);
    await rejectsVault(h.send('update', 'users/dave', { password: 'x', token_ttl: '2h', token_max_ttl: '1h' }), 400);
  });

  it('deletes users', async () => {
    const h = await setup();
    await h.send('update', 'users/erin', { password: 'pw' });
    await h.send('delete', 'users/erin');
    await rejectsVault(h.send('read', 'users/erin'), 404);
    await rejectsVault(h.send('list', 'users'), 404);
    await rejectsVault(h.send('update', 'login/erin', { password: 'pw' }), 400, INVALID_CREDENTIALS);
  });

  it('stores only salted scrypt hashes, never a password', async () => {
    const h = await setup();
    await h.send('update', 'users/frank', { password: 'plaintext-password-1' });
    await h.send('update', 'users/grace', { password: 'plaintext-password-1' });
    await h.send('update', 'users/frank/password', { password: 'plaintext-password-2' });
    const text = storedText(h);
    assert.ok(!text.includes('plaintext-password'));
    const stored = [...h.store.entries.values()].map((v) => JSON.parse(Buffer.from(v).toString('utf8')).password);
    assert.equal(stored[0].alg, 'scrypt');
    assert.ok(stored[0].n >= 2 ** 15);
    assert.notEqual(stored[0].salt, stored[1].salt);
  });
});
