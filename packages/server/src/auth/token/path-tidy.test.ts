import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenHarness } from './test-harness.js';

describe('auth/token/tidy', () => {
  it('answers 202 with a warning, and removes expired tokens only', async () => {
    const h = await new TokenHarness().start();
    const short = await h.createToken(h.rootToken, { policies: ['dev'], ttl: '1m' });
    const long = await h.createToken(h.rootToken, { policies: ['dev'], ttl: '1h' });
    h.clock.advance(120);
    const res = await h.request(h.rootToken, 'update', 'tidy');
    assert.equal(res?.status, 202);
    assert.equal(res?.data, null);
    assert.match(res?.warnings?.[0] ?? '', /1 expired tokens removed/);
    assert.equal(await h.store.lookup(short.token), undefined);
    assert.ok(await h.store.lookup(long.token));
    assert.ok(!h.store.listAccessors().includes(short.accessor));
  });
});
