import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Keyring } from './keyring.js';

describe('Keyring', () => {
  const now = new Date('2024-05-01T10:00:00.000Z');

  it('starts at term 1 and round-trips through encode/decode', () => {
    const ring = Keyring.create(now).withNewTerm(new Date('2024-06-01T00:00:00.000Z'));
    const copy = Keyring.decode(ring.encode());
    assert.equal(copy.activeTerm, 2);
    assert.equal(copy.upgradedTerm, 1);
    assert.deepEqual(copy.key(1), ring.key(1));
    assert.deepEqual(copy.key(2), ring.key(2));
    assert.equal(copy.active.installTime.toISOString(), '2024-06-01T00:00:00.000Z');
    assert.equal(copy.key(3), undefined);
  });

  it('gives each term its own random key', () => {
    const ring = Keyring.create(now).withNewTerm(now).withNewTerm(now);
    assert.equal(ring.activeTerm, 3);
    assert.notDeepEqual(ring.key(1), ring.key(2));
    assert.equal(ring.key(3)!.length, 32);
  });

  it('records the upgraded term', () => {
    const ring = Keyring.create(now).withNewTerm(now).withUpgradedTerm(2);
    assert.equal(Keyring.decode(ring.encode()).upgradedTerm, 2);
  });

  it('rejects corrupt bytes', () => {
    assert.throws(() => Keyring.decode(new Uint8Array(5)), /corrupt/);
    const bytes = Keyring.create(now).encode();
    assert.throws(() => Keyring.decode(bytes.subarray(0, bytes.length - 1)), /corrupt/);
  });

  it('zeroes its keys when wiped and refuses to hand them out', () => {
    const ring = Keyring.create(now);
    const key = ring.active.key;
    ring.wipe();
    assert.ok(key.every((b) => b === 0));
    assert.throws(() => ring.key(1), /wiped/);
    assert.throws(() => ring.active, /wiped/);
  });
});
