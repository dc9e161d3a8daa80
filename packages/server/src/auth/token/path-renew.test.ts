import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderAuth } from './token-response.js';
import { TokenHarness } from './test-harness.js';

describe('auth/token/renew*', () => {
  it('renew returns auth for the existing token, capped by explicit max', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev'], ttl: '1m', explicit_max_ttl: '10m' });
    h.clock.advance(30);
    const res = await h.request(h.rootToken, 'update', 'renew', { token: t.token, increment: '1h' });
    assert.ok(res?.auth);
    const auth = renderAuth(res.auth);
    assert.equal(auth.client_token, t.token);
    assert.equal(auth.accessor, t.accessor);
    assert.equal(auth.lease_duration, 570);
  });

  it('renew-self uses the creation ttl without an increment', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev'], ttl: '2m' });
    h.clock.advance(100);
    const res = await h.request(t.token, 'update', 'renew-self');
    assert.equal(res?.auth?.ttl, 120);
    assert.equal(res?.auth?.clientToken, t.token);
  });

  it('renew-accessor hides the token', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev'], ttl: '2m' });
    const res = await h.request(h.rootToken, 'update', 'renew-accessor', { accessor: t.accessor, increment: 60 });
    assert.equal(res?.auth?.clientToken, '');
    assert.equal(res?.auth?.ttl, 60);
  });

  it('refuses non-renewable tokens and unknown tokens', async () => {
    const h = await new TokenHarness().start();
    const t = await h.createToken(h.rootToken, { policies: ['dev'], renewable: false });
    await assert.rejects(h.request(h.rootToken, 'update', 'renew', { token: t.token }), {
      status: 400,
      message: 'lease is not renewable',
    });
    await assert.rejects(h.request(h.rootToken, 'update', 'renew-self'), { status: 400 });
    await assert.rejects(h.request(h.rootToken, 'update', 'renew', { token: 's.unknown' }), { status: 400 });
  });
});
