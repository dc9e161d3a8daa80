import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenHarness } from './test-harness.js';

describe('auth/token/revoke*', () => {
  it('revoke takes the whole subtree, grandchildren included', async () => {
    const h = await new TokenHarness().start();
    const parent = await h.createToken(h.rootToken, { policies: ['dev'] });
    const child = await h.createToken(parent.token);
    const grandchild = await h.createToken(child.token);
    const sibling = await h.createToken(h.rootToken, { policies: ['dev'] });
    await h.request(h.rootToken, 'update', 'revoke', { token: parent.token });
    for (const t of [parent, child, grandchild]) assert.equal(await h.store.lookup(t.token), undefined);
    assert.ok(await h.store.lookup(sibling.token));
    assert.deepEqual(h.revoked, [grandchild.accessor, child.accessor, parent.accessor]);
    // Revoking an unknown token is a no-op.
    assert.equal(await h.request(h.rootToken, 'update', 'revoke', { token: parent.token }), undefined);
  });

  it('revoke-self and revoke-accessor', async () => {
    const h = await new TokenHarness().start();
    const a = await h.createToken(h.rootToken, { policies: ['dev'] });
    await h.request(a.token, 'update', 'revoke-self');
    assert.equal(await h.store.lookup(a.token), undefined);
    const b = await h.createToken(h.rootToken, { policies: ['dev'] });
    await h.request(h.rootToken, 'update', 'revoke-accessor', { accessor: b.accessor });
    assert.equal(await h.store.lookup(b.token), undefined);
    await assert.rejects(h.request(h.rootToken, 'update', 'revoke-accessor', { accessor: b.accessor }), { status: 400 });
  });

  it('revoke-orphan keeps the children as orphans; root only', async () => {
    const h = await new TokenHarness().start();
    const parent = await h.createToken(h.rootToken, { policies: ['dev'] });
    const child = await h.createToken(parent.token);
    await assert.rejects(h.request(parent.token, 'update', 'revoke-orphan', { token: parent.token }), { status: 400 });
    await h.request(h.rootToken, 'update', 'revoke-orphan', { token: parent.token });
    assert.equal(await h.store.lookup(parent.token), undefined);
    const data = (await h.request(h.rootToken, 'update', 'lookup', { token: child.token }))?.data;
    assert.equal(data?.['orphan'], true);
  });

  it('lists accessors', async () => {
    const h = await new TokenHarness().start();
    const a = await h.createToken(h.rootToken, { policies: ['dev'] });
    const keys = (await h.request(h.rootToken, 'list', 'accessors'))?.data?.['keys'];
    assert.ok(Array.isArray(keys));
    assert.equal(keys.length, 2);
    assert.ok(keys.includes(a.accessor));
  });

  it('exhausts num_uses and revokes after the last request', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev'], num_uses: 2 });
    const first = (await h.request(t.token, 'read', 'lookup-self'))?.data;
    assert.equal(first?.['num_uses'], 1);
    await h.request(t.token, 'read', 'lookup-self');
    await assert.rejects(h.authenticate(t.token), { status: 403 });
    assert.ok(h.revoked.includes(t.accessor));
  });

  it('expires tokens by the clock', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev'], ttl: '30s' });
    h.clock.advance(31);
    await assert.rejects(h.request(t.token, 'read', 'lookup-self'), { status: 403 });
    assert.ok(h.revoked.includes(t.accessor));
  });

  it('storage never holds a token or an accessor outside its entry', async () => {
    const h = await new TokenHarness().start();
    const parent = await h.createToken(h.rootToken, { policies: ['dev'] });
    const child = await h.createToken(parent.token, { num_uses: 5 });
    await h.request(child.token, 'read', 'lookup-self');
    await h.request(h.rootToken, 'update', 'renew', { token: parent.token });
    for (const t of [{ token: h.rootToken, accessor: '' }, parent, child]) {
      for (const [key, value] of h.raw.dump()) {
        assert.ok(!key.includes(t.token) && !value.includes(t.token), `token found at ${key}`);
        if (t.accessor !== '') {
          assert.ok(!key.includes(t.accessor), `accessor found in key ${key}`);
          if (value.includes(t.accessor)) assert.match(key, /^sys\/token\/id\/[0-9a-f]{64}$/);
        }
      }
    }
  });
});
