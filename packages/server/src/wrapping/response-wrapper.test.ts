import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenHarness } from '../auth/token/test-harness.js';
import { ResponseWrapper, isWrappingToken } from './response-wrapper.js';

async function setup() {
  const h = await new TokenHarness().start();
  return { h, wrapper: new ResponseWrapper(h.store, h.cubbyholeRoot, h.clock) };
}

describe('ResponseWrapper', () => {
  it('wraps into a single-use orphan token that unwraps once', async () => {
    const { h, wrapper } = await setup();
    const info = await wrapper.wrap({ data: { secret: 'x' } }, 300, 'secret/data/a', 'acc123');
    assert.match(info.token, /^s\./);
    assert.equal(info.ttl, 300);
    assert.equal(info.creation_path, 'secret/data/a');
    assert.equal(info.creation_time, new Date(h.clock.now()).toISOString());
    assert.equal(info.wrapped_accessor, 'acc123');
    const entry = await h.store.lookup(info.token);
    assert.ok(entry && isWrappingToken(entry));
    assert.deepEqual(entry.policies, ['response-wrapping']);
    assert.equal(entry.numUses, 1);
    assert.equal(entry.parent, undefined);
    assert.equal(entry.displayName, 'response-wrapping');

    assert.deepEqual(await wrapper.unwrap(info.token), { data: { secret: 'x' } });
    await assert.rejects(wrapper.unwrap(info.token), {
      status: 400,
      message: 'wrapping token is not valid or does not exist',
    });
    assert.ok(![...h.raw.map.keys()].some((k) => k.includes(entry.hash) && k.startsWith('logical/cubbyhole/')));
  });

  it('lets only one of two racing unwraps win', async () => {
    const { wrapper } = await setup();
    const info = await wrapper.wrap({ data: { n: 1 } }, 60, 'sys/wrapping/wrap');
    const results = await Promise.allSettled([wrapper.unwrap(info.token), wrapper.unwrap(info.token)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  });

  it('looks up without using the token', async () => {
    const { h, wrapper } = await setup();
    const info = await wrapper.wrap({ data: {} }, 120, 'sys/wrapping/wrap');
    h.clock.advance(5);
    assert.deepEqual(await wrapper.lookup(info.token), {
      creation_path: 'sys/wrapping/wrap',
      creation_time: info.creation_time,
      creation_ttl: 120,
    });
    assert.deepEqual(await wrapper.unwrap(info.token), { data: {} });
  });

  it('rewraps into a new token and kills the old one', async () => {
    const { wrapper } = await setup();
    const info = await wrapper.wrap({ data: { k: 'v' } }, 90, 'kv/x', 'acc');
    const next = await wrapper.rewrap(info.token);
    assert.notEqual(next.token, info.token);
    assert.equal(next.ttl, 90);
    assert.equal(next.creation_path, 'kv/x');
    assert.equal(next.wrapped_accessor, 'acc');
    await assert.rejects(wrapper.unwrap(info.token), { status: 400 });
    assert.deepEqual(await wrapper.unwrap(next.token), { data: { k: 'v' } });
  });

  it('expires with its ttl and refuses ordinary tokens', async () => {
    const { h, wrapper } = await setup();
    const info = await wrapper.wrap({ data: {} }, 10, 'p');
    h.clock.advance(10);
    await assert.rejects(wrapper.unwrap(info.token), { status: 400 });
    await assert.rejects(wrapper.unwrap(h.rootToken), { status: 400 });
    await assert.rejects(wrapper.wrap({}, 0, 'p'), { status: 400 });
  });
});
