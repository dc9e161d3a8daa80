import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShareCollector } from './share-collector.js';

describe('ShareCollector', () => {
  const share = (fill: number) => new Uint8Array(33).fill(fill);

  it('counts distinct shares up to the threshold', () => {
    const c = new ShareCollector(2, 33);
    assert.match(c.nonce, /^[0-9a-f-]{36}$/);
    assert.equal(c.add(share(1)), true);
    assert.equal(c.complete, false);
    assert.equal(c.add(share(2)), true);
    assert.equal(c.progress, 2);
    assert.equal(c.complete, true);
  });

  it('does not count a duplicate share', () => {
    const c = new ShareCollector(3, 33);
    c.add(share(1));
    assert.equal(c.add(share(1)), false);
    assert.equal(c.progress, 1);
  });

  it('rejects a share of the wrong length without losing progress', () => {
    const c = new ShareCollector(3, 33);
    c.add(share(1));
    assert.throws(() => c.add(new Uint8Array(32)), /expected 33 bytes/);
    assert.equal(c.progress, 1);
  });

  it('keeps its own copy, hands it over once, and wipes on request', () => {
    const c = new ShareCollector(3, 33);
    const mine = share(7);
    c.add(mine);
    mine.fill(0);
    const taken = c.take();
    assert.deepEqual(taken, [share(7)]);
    assert.equal(c.progress, 0);
    c.add(share(9));
    c.wipe();
    assert.equal(c.progress, 0);
  });
});
