import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InmemBackend } from '../storage/inmem-backend.js';
import { ShamirSeal } from './shamir-seal.js';

describe('ShamirSeal', () => {
  async function stored(secret_shares: number, secret_threshold: number) {
    const backend = new InmemBackend();
    const seal = new ShamirSeal(backend);
    const config = { secret_shares, secret_threshold };
    const unsealKey = ShamirSeal.newKey();
    const rootKey = ShamirSeal.newKey();
    await backend.batch(ShamirSeal.protect(config, unsealKey, rootKey));
    const shares = await ShamirSeal.split(unsealKey, config);
    return { seal, config, rootKey, shares, backend };
  }

  it('has no config before init, and the stored one after', async () => {
    assert.equal(await new ShamirSeal(new InmemBackend()).config(), undefined);
    const { seal } = await stored(5, 3);
    assert.deepEqual(await seal.config(), { secret_shares: 5, secret_threshold: 3 });
  });

  it('recovers the root key from any threshold of shares', async () => {
    const { seal, config, rootKey, shares } = await stored(5, 3);
    assert.equal(shares.length, 5);
    assert.ok(shares.every((s) => s.length === ShamirSeal.shareLength(config)));
    assert.deepEqual(await seal.recoverRootKey([shares[4]!, shares[0]!, shares[2]!], config), rootKey);
  });

  it('rejects too few, clashing, or foreign shares with one 400 error', async () => {
    const { seal, config, shares } = await stored(5, 3);
    const other = await stored(5, 3);
    const wrong = /invalid key/;
    await assert.rejects(seal.recoverRootKey([shares[0]!, shares[1]!], config), wrong);
    await assert.rejects(seal.recoverRootKey([shares[0]!, shares[0]!, shares[1]!], config), wrong);
    await assert.rejects(seal.recoverRootKey([shares[0]!, shares[1]!, other.shares[2]!], config), wrong);
  });

  it('uses the unseal key itself as the one share of a 1-of-1 split', async () => {
    const { seal, config, rootKey, shares } = await stored(1, 1);
    assert.equal(shares.length, 1);
    assert.equal(shares[0]!.length, 32);
    assert.deepEqual(await seal.recoverRootKey(shares, config), rootKey);
    await assert.rejects(seal.recoverRootKey([ShamirSeal.newKey()], config), /invalid key/);
  });

  it('stores the root key only encrypted', async () => {
    const { backend, rootKey } = await stored(3, 2);
    const raw = Buffer.from((await backend.get('core/root-key'))!);
    assert.equal(raw.includes(Buffer.from(rootKey)), false);
  });
});
