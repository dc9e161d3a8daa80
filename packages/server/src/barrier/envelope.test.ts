import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { VaultError } from '../errors.js';
import { decryptValue, encryptValue, valueTerm } from './envelope.js';

describe('envelope', () => {
  const key = randomBytes(32);
  const keyFor = (term: number) => (term === 7 ? key : undefined);
  const plain = new TextEncoder().encode('hunter2');

  it('round-trips and lays out version, term, nonce, ciphertext and tag', () => {
    const sealed = encryptValue(key, 7, 'a/b', plain);
    assert.equal(sealed[0], 0x01);
    assert.deepEqual([...sealed.subarray(1, 5)], [0, 0, 0, 7]);
    assert.equal(sealed.length, 1 + 4 + 12 + plain.length + 16);
    assert.equal(valueTerm(sealed), 7);
    assert.deepEqual(decryptValue(keyFor, 'a/b', sealed), plain);
  });

  it('uses a fresh nonce each time', () => {
    assert.notDeepEqual(encryptValue(key, 7, 'p', plain), encryptValue(key, 7, 'p', plain));
  });

  it('fails for another path', () => {
    const sealed = encryptValue(key, 7, 'a/b', plain);
    assert.throws(() => decryptValue(keyFor, 'a/c', sealed), /message authentication failed/);
  });

  it('fails for an unknown term, a bad version and a truncated value', () => {
    const sealed = encryptValue(key, 7, 'p', plain);
    assert.throws(() => decryptValue(() => undefined, 'p', sealed), /unknown key term/);
    const otherVersion = Uint8Array.from(sealed);
    otherVersion[0] = 2;
    assert.throws(() => decryptValue(keyFor, 'p', otherVersion), /unsupported value version/);
    assert.throws(() => decryptValue(keyFor, 'p', sealed.subarray(0, 20)), /truncated/);
    assert.equal(valueTerm(sealed.subarray(0, 20)), undefined);
  });

  it('fails when any single bit is flipped', () => {
    const sealed = encryptValue(key, 7, 'p', plain);
    for (let i = 0; i < sealed.length * 8; i++) {
      const copy = Uint8Array.from(sealed);
      copy[i >> 3]! ^= 1 << (i & 7);
      assert.throws(
        () => decryptValue((t) => (t === 7 ? key : t === valueTerm(copy) ? key : undefined), 'p', copy),
        (err: unknown) => err instanceof VaultError && err.code === 'internal' && !err.message.includes(key.toString('hex')),
        `bit ${i}`,
      );
    }
  });
});
