import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderAuth } from './token-response.js';
import { TokenHarness } from './test-harness.js';

describe('auth/token/create', () => {
  it('returns a Vault-shaped auth for a new child token', async () => {
    const h = await new TokenHarness().start();
    const res = await h.request(h.rootToken, 'update', 'create', {
      policies: ['web', 'stage'],
      meta: { user: 'armon' },
      ttl: '1h',
      display_name: 'my app!',
    });
    assert.ok(res?.auth);
    const auth = renderAuth(res.auth);
    assert.match(auth.client_token, /^s\./);
    assert.deepEqual(auth.policies, ['default', 'stage', 'web']);
    assert.deepEqual(auth.token_policies, ['default', 'stage', 'web']);
    assert.deepEqual(auth.metadata, { user: 'armon' });
    assert.equal(auth.lease_duration, 3600);
    assert.equal(auth.renewable, true);
    assert.equal(auth.orphan, false);
    assert.equal(auth.token_type, 'service');
    assert.equal(auth.num_uses, 0);
    assert.equal(auth.mfa_requirement, null);
    const entry = await h.store.lookup(auth.client_token);
    assert.equal(entry?.displayName, 'token-my-app');
    assert.equal(entry?.path, 'auth/token/create');
  });

  it('inherits the parent policies when none are given', async () => {
    const h = await new TokenHarness().start();
    const dev = await h.createToken(h.rootToken, { policies: ['dev'] });
    const child = await h.createToken(dev.token);
    assert.deepEqual((await h.store.lookup(child.token))?.policies, ['default', 'dev']);
    const rootChild = await h.createToken(h.rootToken);
    assert.deepEqual((await h.store.lookup(rootChild.token))?.policies, ['root']);
    assert.equal((await h.store.lookup(rootChild.token))?.expireTime, 0);
  });

  it('lets a non-root caller ask only for a subset of its policies', async () => {
    const h = await new TokenHarness().start();
    const dev = await h.createToken(h.rootToken, { policies: ['dev', 'ops'] });
    const ok = await h.createToken(dev.token, { policies: ['dev', 'default'] });
    assert.deepEqual((await h.store.lookup(ok.token))?.policies, ['default', 'dev']);
    await assert.rejects(h.createToken(dev.token, { policies: ['admin'] }), {
      status: 400,
      message: 'child policies must be subset of parent',
    });
    await assert.rejects(h.createToken(dev.token, { policies: ['root'] }), { status: 400 });
    await assert.rejects(h.createToken(h.rootToken, { policies: ['response-wrapping'] }), { status: 400 });
  });

  it('keeps orphans, custom ids and periods to root', async () => {
    const h = await new TokenHarness().start();
    const dev = await h.createToken(h.rootToken, { policies: ['dev'] });
    await assert.rejects(h.createToken(dev.token, { no_parent: true }), {
      status: 400,
      message: 'root or sudo privileges required to create orphan token',
    });
    await assert.rejects(h.createToken(dev.token, { id: 'custom' }), { status: 400 });
    await assert.rejects(h.createToken(dev.token, { period: '1h' }), { status: 400 });
    await assert.rejects(h.createToken(h.rootToken, { id: 'has.dot' }), { status: 400 });
    const custom = await h.createToken(h.rootToken, { id: 'custom-id', no_parent: true, policies: ['dev'] });
    assert.equal(custom.token, 'custom-id');
    assert.equal((await h.store.lookup('custom-id'))?.parent, undefined);
    // create-orphan is governed by policy alone, as in Vault.
    const orphan = await h.createToken(dev.token, {}, 'create-orphan');
    const entry = await h.store.lookup(orphan.token);
    assert.equal(entry?.parent, undefined);
    assert.equal(entry?.path, 'auth/token/create-orphan');
  });

  it('refuses children of limited-use tokens', async () => {
    const h = await new TokenHarness().start();
    const limited = await h.createToken(h.rootToken, { policies: ['dev'], num_uses: 3 });
    await assert.rejects(h.createToken(limited.token), {
      status: 400,
      message: 'restricted use token cannot generate child tokens',
    });
  });

  it('no_default_policy drops default', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev', 'default'], no_default_policy: true });
    assert.deepEqual((await h.store.lookup(t.token))?.policies, ['dev']);
  });
});
