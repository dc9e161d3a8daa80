import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenHarness } from './test-harness.js';

const LOOKUP_KEYS = [
  'accessor', 'creation_time', 'creation_ttl', 'display_name', 'entity_id', 'expire_time', 'explicit_max_ttl',
  'id', 'identity_policies', 'issue_time', 'meta', 'num_uses', 'orphan', 'path', 'policies', 'renewable', 'ttl', 'type',
];

describe('auth/token/lookup*', () => {
  it('lookup returns Vault data, with the token as id', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev'], ttl: '1h', meta: { team: 'a' } });
    h.clock.advance(10);
    const res = await h.request(h.rootToken, 'update', 'lookup', { token: t.token });
    const data = res?.data ?? {};
    assert.deepEqual(Object.keys(data).sort(), LOOKUP_KEYS);
    assert.equal(data['id'], t.token);
    assert.equal(data['accessor'], t.accessor);
    assert.equal(data['creation_time'], Math.floor(Date.UTC(2026, 0, 1) / 1000));
    assert.equal(data['creation_ttl'], 3600);
    assert.equal(data['ttl'], 3590);
    assert.equal(data['expire_time'], new Date(Date.UTC(2026, 0, 1) + 3600_000).toISOString());
    assert.deepEqual(data['meta'], { team: 'a' });
    assert.deepEqual(data['policies'], ['default', 'dev']);
    assert.equal(data['orphan'], false);
    assert.equal(data['type'], 'service');
    // GET with the token in the query works too.
    assert.equal((await h.request(h.rootToken, 'read', 'lookup', { token: t.token }))?.data?.['accessor'], t.accessor);
  });

  it('lookup-self shows the caller; root has no expiry and null meta', async () => {
    const h = await new TokenHarness().start();
    const data = (await h.request(h.rootToken, 'read', 'lookup-self'))?.data ?? {};
    assert.equal(data['id'], h.rootToken);
    assert.equal(data['expire_time'], null);
    assert.equal(data['ttl'], 0);
    assert.equal(data['meta'], null);
    assert.equal(data['display_name'], 'root');
    assert.deepEqual(data['policies'], ['root']);
  });

  it('lookup-accessor never reveals the token', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev'] });
    const data = (await h.request(h.rootToken, 'update', 'lookup-accessor', { accessor: t.accessor }))?.data ?? {};
    assert.equal(data['id'], '');
    assert.equal(data['accessor'], t.accessor);
    await assert.rejects(h.request(h.rootToken, 'update', 'lookup-accessor', { accessor: 'nope' }), { status: 400 });
  });

  it('a revoked token looked up by root is 403 bad token', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev'] });
    await h.request(h.rootToken, 'update', 'revoke', { token: t.token });
    await assert.rejects(h.request(h.rootToken, 'update', 'lookup', { token: t.token }), {
      status: 403,
      message: 'bad token',
    });
  });

  it('a single-use token can still look itself up with its last use', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev'], num_uses: 1 });
    const data = (await h.request(t.token, 'read', 'lookup-self'))?.data ?? {};
    assert.equal(data['accessor'], t.accessor);
    await assert.rejects(h.request(t.token, 'read', 'lookup-self'), { status: 403 });
    assert.ok(h.revoked.includes(t.accessor));
  });
});
