import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { rejectsVault } from '../framework/engine-harness.js';
import { InmemBackend } from '../storage/inmem-backend.js';
import { AesGcmBarrier } from './aes-gcm-barrier.js';
import { DEFAULT_ROTATION, encodeRotation, MAX_OPERATIONS, ROTATION_PATH, type KeyRotationConfig } from './auto-rotation.js';
import { valueTerm } from './envelope.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A barrier on a clock the test moves, reporting its automatic rotations. */
async function setup() {
  let now = Date.UTC(2026, 0, 1);
  const rotations: { reason: string; term?: number }[] = [];
  let notify: (() => void) | undefined;
  const backend = new InmemBackend();
  const barrier = new AesGcmBarrier(backend, {
    now: () => new Date(now),
    onAutoRotate: (event) => {
      rotations.push(event);
      notify?.();
    },
  });
  const rootKey = randomBytes(32);
  await barrier.initialize(rootKey);
  return {
    backend,
    barrier,
    rootKey,
    rotations,
    advance: (seconds: number) => void (now += seconds * 1000),
    nextRotation: () => new Promise<void>((resolve) => (notify = resolve)),
    /**
     * Stores a config the API would refuse (`max_operations` under its 1,000,000 minimum),
     * straight through the barrier, and has the barrier read it back as a new active node would.
     */
    async storeConfig(config: KeyRotationConfig) {
      await barrier.put(ROTATION_PATH, encodeRotation(config, barrier.keyStatus().term, 0));
      await barrier.reloadKeyring();
    },
  };
}

describe('automatic barrier key rotation (sys/rotate/config)', () => {
  it('rotates, off the write path, once the active term has encrypted more than max_operations', async () => {
    const t = await setup();
    await t.storeConfig({ maxOperations: 5, interval: 0, enabled: true });
    assert.equal(t.barrier.keyStatus().encryptions, 0);
    // One key rewritten: the re-encryption after the rotation stays well under the limit.
    for (let i = 0; i < 5; i++) await t.barrier.put('a', bytes(`v${i}`));
    assert.equal(t.barrier.keyStatus().term, 1);
    const rotated = t.nextRotation();
    await t.barrier.put('a', bytes('v5')); // the 6th: queued, not run inside this write
    assert.equal(t.barrier.keyStatus().term, 1);
    await rotated;
    assert.deepEqual(t.rotations, [{ reason: 'reached max operations', term: 2 }]);
    await t.barrier.upgradeDone();
    assert.equal(t.barrier.keyStatus().term, 2);
    assert.ok(t.barrier.keyStatus().encryptions < 5);
    assert.equal(valueTerm((await t.backend.get('a'))!), 2);
    assert.equal(new TextDecoder().decode(await t.barrier.get('a')), 'v5');
  });

  it('counts but does not rotate when disabled', async () => {
    const t = await setup();
    await t.storeConfig({ maxOperations: 2, interval: 0, enabled: false });
    for (let i = 0; i < 6; i++) await t.barrier.put('a', bytes('v'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await t.barrier.checkAutoRotate(), undefined);
    assert.equal(t.barrier.keyStatus().term, 1);
    assert.ok(t.barrier.keyStatus().encryptions >= 6);
    assert.deepEqual(t.rotations, []);
  });

  it('rotates on the periodic check once the active term is older than interval', async () => {
    const t = await setup();
    await t.barrier.setRotationConfig({ maxOperations: MAX_OPERATIONS, interval: 24 * 3600, enabled: true });
    t.advance(24 * 3600);
    assert.equal(await t.barrier.checkAutoRotate(), undefined);
    t.advance(1);
    assert.equal(await t.barrier.checkAutoRotate(), 'rotation interval reached');
    assert.equal(t.barrier.keyStatus().term, 2);
    // The new term is young again.
    assert.equal(await t.barrier.checkAutoRotate(), undefined);
    assert.equal(t.barrier.keyStatus().term, 2);
  });

  it('keeps the config and the encryption count across a seal; a new term counts from zero', async () => {
    const t = await setup();
    const config = { maxOperations: 2_000_000, interval: 48 * 3600, enabled: false };
    await t.barrier.setRotationConfig(config);
    for (let i = 0; i < 10; i++) await t.barrier.put(`k${i}`, bytes('v'));
    await t.barrier.checkAutoRotate(); // stores the count
    const counted = t.barrier.keyStatus().encryptions;
    assert.ok(counted >= 11);
    t.barrier.seal();
    await t.barrier.unseal(t.rootKey);
    assert.deepEqual(t.barrier.rotationConfig(), config);
    assert.equal(t.barrier.keyStatus().encryptions, counted);
    // An idle vault does not rewrite the count.
    await t.barrier.checkAutoRotate();
    assert.equal(t.barrier.keyStatus().encryptions, counted);
    await t.barrier.rotate();
    await t.barrier.upgradeDone();
    t.barrier.seal();
    await t.barrier.unseal(t.rootKey);
    assert.equal(t.barrier.keyStatus().term, 2);
    assert.equal(t.barrier.keyStatus().encryptions, 0);
  });

  it('refuses API values out of Vault’s ranges and keeps the previous config', async () => {
    const t = await setup();
    await rejectsVault(t.barrier.setRotationConfig({ ...DEFAULT_ROTATION, maxOperations: 999_999 }), 400, /\[1000000,3865470566\]/);
    await rejectsVault(t.barrier.setRotationConfig({ ...DEFAULT_ROTATION, interval: 3600 }), 400, /24h0m0s/);
    assert.deepEqual(t.barrier.rotationConfig(), DEFAULT_ROTATION);
  });
});
