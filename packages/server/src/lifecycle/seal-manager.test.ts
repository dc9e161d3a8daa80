import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VaultError } from '../errors.js';
import { initializedVault, testVault, unsealWith } from './test-vault.js';

const status400 = (message: RegExp) => (err: unknown) =>
  err instanceof VaultError && err.status === 400 && message.test(err.message);

describe('SealManager', () => {
  it('reports an uninitialized, sealed vault', async () => {
    const { manager } = testVault();
    assert.equal(await manager.initialized(), false);
    assert.deepEqual(await manager.status(), {
      type: 'shamir',
      initialized: false,
      sealed: true,
      t: 0,
      n: 0,
      progress: 0,
      nonce: '',
      version: '0.1.0-test',
      build_date: '2024-01-01T00:00:00Z',
      migration: false,
      recovery_seal: false,
      storage_type: 'inmem',
    });
    await assert.rejects(manager.submitUnsealKey(new Uint8Array(33)), status400(/not initialized/));
  });

  it('initializes 5/3, leaving the barrier unsealed without onUnsealed', async () => {
    const { manager, barrier, events } = testVault();
    const { keys } = await manager.initialize({ secret_shares: 5, secret_threshold: 3 });
    assert.equal(keys.length, 5);
    assert.equal(new Set(keys.map((k) => Buffer.from(k).toString('hex'))).size, 5);
    assert.equal(barrier.sealed, false);
    assert.deepEqual(events, []);
    const status = await manager.status();
    assert.equal(status.initialized, true);
    assert.equal(status.sealed, false);
    assert.equal(status.t, 3);
    assert.equal(status.n, 5);
    assert.match(status.cluster_name!, /^vault-cluster-[0-9a-f]{8}$/);
    assert.match(status.cluster_id!, /^[0-9a-f-]{36}$/);
  });

  it('refuses to initialize twice and validates the split', async () => {
    const { manager } = testVault();
    await assert.rejects(
      manager.initialize({ secret_shares: 5, secret_threshold: 1 }),
      status400(/threshold must be greater than one for multiple shares/),
    );
    await manager.initialize({ secret_shares: 1, secret_threshold: 1 });
    await assert.rejects(manager.initialize({ secret_shares: 1, secret_threshold: 1 }), status400(/^Vault is already initialized$/));
  });

  it('unseals with 3 distinct shares of 5 and calls onUnsealed', async () => {
    const { manager, keys, events } = await initializedVault(5, 3);
    const first = await manager.submitUnsealKey(keys[4]!);
    assert.equal(first.sealed, true);
    assert.equal(first.progress, 1);
    assert.match(first.nonce, /^[0-9a-f-]{36}$/);
    assert.equal((await manager.submitUnsealKey(keys[1]!)).progress, 2);
    const done = await manager.submitUnsealKey(keys[2]!);
    assert.equal(done.sealed, false);
    assert.equal(done.progress, 0);
    assert.equal(done.nonce, '');
    assert.ok(done.cluster_id);
    assert.deepEqual(events, ['unsealed']);
  });

  it('does not advance progress for a duplicate share', async () => {
    const { manager, keys } = await initializedVault(5, 3);
    await manager.submitUnsealKey(keys[0]!);
    const again = await manager.submitUnsealKey(Uint8Array.from(keys[0]!));
    assert.equal(again.progress, 1);
    assert.equal(again.sealed, true);
  });

  it('resets progress and answers 400 when the shares do not combine', async () => {
    const { manager, keys } = await initializedVault(5, 3);
    const other = await initializedVault(5, 3);
    await manager.submitUnsealKey(keys[0]!);
    await manager.submitUnsealKey(keys[1]!);
    await assert.rejects(manager.submitUnsealKey(other.keys[2]!), status400(/invalid key/));
    const after = await manager.status();
    assert.equal(after.sealed, true);
    assert.equal(after.progress, 0);
    assert.equal((await unsealWith(manager, keys.slice(2))).sealed, false);
  });

  it('rejects a share of the wrong length without losing progress', async () => {
    const { manager, keys } = await initializedVault(5, 3);
    await manager.submitUnsealKey(keys[0]!);
    await assert.rejects(manager.submitUnsealKey(new Uint8Array(12)), status400(/expected 33 bytes/));
    assert.equal((await manager.status()).progress, 1);
  });

  it('resets an unseal in progress', async () => {
    const { manager, keys } = await initializedVault(5, 3);
    await manager.submitUnsealKey(keys[0]!);
    const reset = await manager.resetUnseal();
    assert.equal(reset.progress, 0);
    assert.equal(reset.nonce, '');
  });

  it('goes through seal/unseal cycles, keeping data and cluster identity', async () => {
    const { manager, barrier, keys, events } = await initializedVault(3, 2);
    await unsealWith(manager, keys.slice(0, 2));
    const id = (await manager.status()).cluster_id;
    await barrier.put('data', new Uint8Array([42]));
    await manager.seal();
    assert.equal(barrier.sealed, true);
    const sealed = await manager.status();
    assert.equal(sealed.cluster_id, undefined);
    await assert.rejects(barrier.get('data'), (err: unknown) => err instanceof VaultError && err.code === 'sealed');
    await unsealWith(manager, keys.slice(1, 3));
    assert.deepEqual(await barrier.get('data'), new Uint8Array([42]));
    assert.equal((await manager.status()).cluster_id, id);
    assert.deepEqual(events, ['unsealed', 'sealing', 'unsealed']);
  });

  it('works with a single share (1/1): the share is the unseal key', async () => {
    const { manager, keys } = await initializedVault(1, 1);
    assert.equal(keys.length, 1);
    assert.equal(keys[0]!.length, 32);
    assert.equal((await manager.submitUnsealKey(keys[0]!)).sealed, false);
  });

  it('uses the configured cluster name', async () => {
    const { manager, keys } = await initializedVault(1, 1, { clusterName: 'prod-eu' });
    await manager.submitUnsealKey(keys[0]!);
    assert.equal((await manager.status()).cluster_name, 'prod-eu');
  });

  it('reseals when onUnsealed fails', async () => {
    let fail = true;
    const { manager, barrier, keys } = await initializedVault(1, 1, {
      onUnsealed: async () => {
        if (fail) throw new Error('mount table unreadable');
      },
    });
    await assert.rejects(manager.submitUnsealKey(keys[0]!), /mount table unreadable/);
    assert.equal(barrier.sealed, true);
    fail = false;
    assert.equal((await manager.submitUnsealKey(keys[0]!)).sealed, false);
  });

  it('seals even when onSealing fails', async () => {
    let fail = false;
    const { manager, barrier, keys } = await initializedVault(1, 1, {
      onSealing: async () => {
        if (fail) throw new Error('teardown failed');
      },
    });
    await manager.submitUnsealKey(keys[0]!);
    fail = true;
    await assert.rejects(manager.seal(), /teardown failed/);
    assert.equal(barrier.sealed, true);
  });

  it('serialises concurrent unseal submissions', async () => {
    const { manager, keys, events } = await initializedVault(5, 3);
    const results = await Promise.all(keys.map((k) => manager.submitUnsealKey(k)));
    assert.equal(results.at(-1)!.sealed, false);
    assert.deepEqual(events, ['unsealed']);
  });
});
