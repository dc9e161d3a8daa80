import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientBuckets } from './client-buckets.js';

const T0 = 1_000_000;

describe('ClientBuckets (token bucket per client)', () => {
  it('allows `rate` requests at once, then refills `rate` per interval', () => {
    const b = new ClientBuckets({ rate: 3, intervalMs: 1000, blockMs: 0 });
    const burst = [0, 1, 2, 3].map(() => b.take('10.0.0.1', T0));
    assert.deepEqual(burst.map((t) => t.allowed), [true, true, true, false]);
    assert.deepEqual(burst.map((t) => t.remaining), [2, 1, 0, 0]);
    assert.equal(burst[0]!.limit, 3);
    // one token comes back every 333 ms
    assert.equal(burst[3]!.retryMs, 334);
    assert.equal(b.take('10.0.0.1', T0 + 200).allowed, false);
    assert.equal(b.take('10.0.0.1', T0 + 340).allowed, true);
    assert.equal(b.take('10.0.0.1', T0 + 341).allowed, false);
  });

  it('meters each client on its own', () => {
    const b = new ClientBuckets({ rate: 1, intervalMs: 1000, blockMs: 0 });
    assert.equal(b.take('a', T0).allowed, true);
    assert.equal(b.take('a', T0).allowed, false);
    assert.equal(b.take('b', T0).allowed, true);
  });

  it('never refills past the burst, and reports when the bucket is full again', () => {
    const b = new ClientBuckets({ rate: 2, intervalMs: 10_000, blockMs: 0 });
    b.take('a', T0);
    const later = b.take('a', T0 + 3_600_000);
    assert.equal(later.remaining, 1);
    assert.equal(later.resetMs, 5000);
  });

  it('blocks a client that went over for block_interval, even once tokens are back', () => {
    const b = new ClientBuckets({ rate: 1, intervalMs: 1000, blockMs: 5000 });
    assert.equal(b.take('a', T0).allowed, true);
    const over = b.take('a', T0 + 10);
    assert.equal(over.allowed, false);
    assert.equal(over.retryMs, 5000);
    const during = b.take('a', T0 + 3000);
    assert.equal(during.allowed, false);
    assert.equal(during.retryMs, 2010);
    assert.equal(b.take('b', T0 + 3000).allowed, true);
    assert.equal(b.take('a', T0 + 5010).allowed, true);
  });

  it('a rate below 1 still lets one request through, then one per 1/rate intervals', () => {
    const b = new ClientBuckets({ rate: 0.5, intervalMs: 1000, blockMs: 0 });
    assert.equal(b.take('a', T0).allowed, true);
    assert.equal(b.take('a', T0 + 1000).allowed, false);
    assert.equal(b.take('a', T0 + 2000).allowed, true);
  });

  it('keeps memory bounded: idle clients are swept, and past the cap the oldest go', () => {
    const b = new ClientBuckets({ rate: 1, intervalMs: 1000, blockMs: 0 }, 100);
    for (let i = 0; i < 100; i++) b.take(`c${i}`, T0);
    assert.equal(b.size, 100);
    // at the cap with every bucket still draining: the oldest tenth is dropped for the newcomer
    b.take('new', T0);
    assert.equal(b.size, 91);
    assert.equal(b.take('c0', T0).allowed, true, 'a forgotten client starts with a full bucket');
    assert.equal(b.take('c50', T0).allowed, false, 'a remembered one does not');
    // a minute later everyone is idle (full again): the next newcomer sweeps them all
    b.take('late', T0 + 61_000);
    assert.equal(b.size, 1);
  });
});
