import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VaultError } from '../errors.js';
import { initializedVault, unsealWith } from './test-vault.js';

const is400 = (message: RegExp) => (err: unknown) =>
  err instanceof VaultError && err.status === 400 && message.test(err.message);

describe('rekey', () => {
  async function unsealed(shares = 5, threshold = 3) {
    const vault = await initializedVault(shares, threshold);
    await unsealWith(vault.manager, vault.keys.slice(0, threshold));
    return vault;
  }

  it('reports no rekey before init', async () => {
    const { manager } = await unsealed();
    assert.deepEqual(await manager.rekeyStatus(), {
      started: false,
      nonce: '',
      t: 0,
      n: 0,
      progress: 0,
      required: 3,
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
    });
  });

  it('replaces the shares: old ones stop working, new ones unseal, data survives', async () => {
    const { manager, barrier, keys } = await unsealed(5, 3);
    await barrier.put('kept', new Uint8Array([7]));
    const started = await manager.rekeyInit({ secret_shares: 3, secret_threshold: 2 });
    assert.equal(started.started, true);
    assert.equal(started.t, 2);
    assert.equal(started.n, 3);
    assert.equal(started.required, 3);
    const step = await manager.rekeyUpdate(keys[0]!, started.nonce);
    assert.equal(step.complete, false);
    assert.equal(step.complete === false && step.progress, 1);
    await manager.rekeyUpdate(keys[3]!, started.nonce);
    const done = await manager.rekeyUpdate(keys[4]!, started.nonce);
    assert.equal(done.complete, true);
    assert.ok(done.complete);
    assert.equal(done.keys.length, 3);
    assert.equal(done.nonce, started.nonce);
    assert.equal((await manager.rekeyStatus()).started, false);

    await manager.seal();
    const status = await manager.status();
    assert.equal(status.t, 2);
    assert.equal(status.n, 3);
    await assert.rejects(unsealWith(manager, keys.slice(0, 2)), is400(/invalid key/));
    await manager.resetUnseal();
    assert.equal((await unsealWith(manager, done.keys.slice(1, 3))).sealed, false);
    assert.deepEqual(await barrier.get('kept'), new Uint8Array([7]));
  });

  it('rekeys to and from a single share', async () => {
    const { manager, keys } = await unsealed(3, 2);
    const { nonce } = await manager.rekeyInit({ secret_shares: 1, secret_threshold: 1 });
    await manager.rekeyUpdate(keys[0]!, nonce);
    const done = await manager.rekeyUpdate(keys[1]!, nonce);
    assert.ok(done.complete);
    assert.equal(done.keys[0]!.length, 32);
    await manager.seal();
    assert.equal((await manager.submitUnsealKey(done.keys[0]!)).sealed, false);
  });

  it('checks the nonce, duplicates, overlapping attempts and the split', async () => {
    const { manager, keys } = await unsealed();
    await assert.rejects(manager.rekeyUpdate(keys[0]!, 'x'), is400(/no rekey in progress/));
    await assert.rejects(manager.rekeyInit({ secret_shares: 2, secret_threshold: 3 }), is400(/threshold cannot be larger/));
    const { nonce } = await manager.rekeyInit({ secret_shares: 5, secret_threshold: 3 });
    await assert.rejects(manager.rekeyInit({ secret_shares: 5, secret_threshold: 3 }), is400(/already in progress/));
    await assert.rejects(manager.rekeyUpdate(keys[0]!, 'wrong-nonce'), is400(/incorrect nonce/));
    await manager.rekeyUpdate(keys[0]!, nonce);
    await assert.rejects(manager.rekeyUpdate(keys[0]!, nonce), is400(/already been provided/));
    assert.equal((await manager.rekeyStatus()).progress, 1);
  });

  it('restarts progress on wrong shares and keeps the old split', async () => {
    const { manager, keys } = await unsealed(3, 2);
    const other = await initializedVault(3, 2);
    const { nonce } = await manager.rekeyInit({ secret_shares: 1, secret_threshold: 1 });
    await manager.rekeyUpdate(keys[0]!, nonce);
    await assert.rejects(manager.rekeyUpdate(other.keys[1]!, nonce), is400(/invalid key/));
    const status = await manager.rekeyStatus();
    assert.equal(status.started, true);
    assert.equal(status.progress, 0);
    assert.equal((await manager.status()).n, 3);
  });

  it('with require_verification, puts the new split in force only once a threshold of it comes back', async () => {
    const { manager, barrier, keys } = await unsealed(3, 2);
    await barrier.put('kept', new Uint8Array([9]));
    const started = await manager.rekeyInit({ secret_shares: 4, secret_threshold: 3, require_verification: true });
    assert.equal(started.verification_required, true);
    assert.equal(started.verification_nonce, undefined);
    await manager.rekeyUpdate(keys[0]!, started.nonce);
    const done = await manager.rekeyUpdate(keys[2]!, started.nonce);
    assert.ok(done.complete);
    assert.equal(done.keys.length, 4);
    assert.equal(done.verification_required, true);
    const verifyNonce = done.verification_nonce!;
    assert.match(verifyNonce, /^[0-9a-f-]{36}$/);
    assert.notEqual(verifyNonce, started.nonce);
    assert.equal((await manager.rekeyStatus()).verification_nonce, verifyNonce);
    await assert.rejects(manager.rekeyUpdate(keys[1]!, started.nonce), is400(/verification must be performed/));
    assert.deepEqual(await manager.rekeyVerifyStatus(), { started: true, nonce: verifyNonce, t: 3, n: 4, progress: 0 });

    // Not in force yet: the old split still unseals.
    await manager.seal();
    assert.equal((await unsealWith(manager, keys.slice(0, 2))).sealed, false);
    // …and sealing dropped the pending rekey, as it drops every ceremony.
    await assert.rejects(manager.rekeyVerifyStatus(), is400(/no rekey configuration found/));
  });

  it('verifies the new shares, refuses wrong ones with a new nonce, and restarts on request', async () => {
    const { manager, keys } = await unsealed(3, 2);
    const { nonce } = await manager.rekeyInit({ secret_shares: 3, secret_threshold: 2, require_verification: true });
    await manager.rekeyUpdate(keys[0]!, nonce);
    const done = await manager.rekeyUpdate(keys[1]!, nonce);
    assert.ok(done.complete);
    const newKeys = done.keys;
    let verifyNonce = done.verification_nonce!;

    await assert.rejects(manager.rekeyVerifyUpdate(newKeys[0]!, 'wrong'), is400(/incorrect nonce/));
    const step = await manager.rekeyVerifyUpdate(newKeys[0]!, verifyNonce);
    assert.deepEqual(step, { started: true, nonce: verifyNonce, t: 2, n: 3, progress: 1 });
    await assert.rejects(manager.rekeyVerifyUpdate(newKeys[0]!, verifyNonce), is400(/already been provided during this verify/));
    // An old share has the right length but rebuilds another key.
    await assert.rejects(manager.rekeyVerifyUpdate(keys[2]!, verifyNonce), is400(/rekey verification failed; incorrect key shares supplied/));
    const after = await manager.rekeyVerifyStatus();
    assert.equal(after.progress, 0);
    assert.notEqual(after.nonce, verifyNonce);
    verifyNonce = after.nonce;

    await manager.rekeyVerifyUpdate(newKeys[2]!, verifyNonce);
    const restarted = await manager.rekeyVerifyRestart();
    assert.equal(restarted.progress, 0);
    assert.notEqual(restarted.nonce, verifyNonce);

    await manager.rekeyVerifyUpdate(newKeys[1]!, restarted.nonce);
    const verified = await manager.rekeyVerifyUpdate(newKeys[2]!, restarted.nonce);
    assert.deepEqual(verified, { nonce: restarted.nonce, complete: true });
    assert.equal((await manager.rekeyStatus()).started, false);

    await manager.seal();
    await assert.rejects(unsealWith(manager, keys.slice(0, 2)), is400(/invalid key/));
    await manager.resetUnseal();
    assert.equal((await unsealWith(manager, [newKeys[2]!, newKeys[0]!])).sealed, false);
  });

  it('answers verify calls with no rekey, or no verification, with 400', async () => {
    const { manager, keys } = await unsealed(3, 2);
    await assert.rejects(manager.rekeyVerifyStatus(), is400(/no rekey configuration found/));
    await assert.rejects(manager.rekeyVerifyUpdate(keys[0]!, 'x'), is400(/no rekey in progress/));
    const { nonce } = await manager.rekeyInit({ secret_shares: 3, secret_threshold: 2 });
    assert.deepEqual(await manager.rekeyVerifyStatus(), { started: false, nonce: '', t: 2, n: 3, progress: 0 });
    await assert.rejects(manager.rekeyVerifyUpdate(keys[0]!, nonce), is400(/no rekey verification in progress/));
  });

  it('cancels, and refuses while sealed', async () => {
    const { manager, keys } = await unsealed();
    await manager.rekeyInit({ secret_shares: 5, secret_threshold: 3 });
    await manager.rekeyCancel();
    assert.equal((await manager.rekeyStatus()).started, false);
    await manager.seal();
    await assert.rejects(manager.rekeyStatus(), (err: unknown) => err instanceof VaultError && err.code === 'sealed');
    await assert.rejects(manager.rekeyUpdate(keys[0]!, ''), (err: unknown) => err instanceof VaultError && err.code === 'sealed');
  });
});
