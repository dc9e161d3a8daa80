import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, devVault, send } from '../pipeline/pipeline-test-kit.js';
import type { Vault } from '../server.js';
import { rawBody, tokenFor } from './system-test-kit.js';

describe('sys/rekey/verify and sys/rekey/backup (tier 2)', () => {
  let vault: Vault;
  before(async () => {
    vault = await devVault();
  });
  after(() => vault.close());

  const unsealKey = () => Buffer.from(vault.unsealKey!).toString('hex');

  it('refuses PGP keys and backups (no PGP support), as Vault refuses a backup without PGP keys', async () => {
    const pgp = await send(vault, 'update', 'sys/rekey/init', { body: { secret_shares: 1, secret_threshold: 1, pgp_keys: ['a'] } });
    assert.equal(pgp.status, 400);
    const backup = await send(vault, 'update', 'sys/rekey/init', { body: { secret_shares: 1, secret_threshold: 1, backup: true } });
    assert.equal(backup.status, 400);
    assert.deepEqual(body(backup).errors, ['cannot request a backup of the new keys without providing PGP keys for encryption']);
  });

  it('answers sys/rekey/backup as Vault does when no backup exists', async () => {
    const read = await send(vault, 'read', 'sys/rekey/backup');
    assert.equal(read.status, 400);
    assert.deepEqual(body(read).errors, ['no backed-up keys found']);
    assert.equal((await send(vault, 'delete', 'sys/rekey/backup')).status, 204);
    const plain = await tokenFor(vault, 'nobody');
    assert.equal((await send(vault, 'read', 'sys/rekey/backup', { token: plain })).status, 403);
    assert.equal((await send(vault, 'delete', 'sys/rekey/backup', { token: plain })).status, 403);
  });

  it('rekeys with verification: raw JSON, no token needed, wrong shares refused, new shares in force at the end', async () => {
    const anon = { token: '' };
    assert.equal((await send(vault, 'read', 'sys/rekey/verify', anon)).status, 400);
    const init = await send(vault, 'update', 'sys/rekey/init', { ...anon, body: { secret_shares: 3, secret_threshold: 2, require_verification: true } });
    assert.equal(init.status, 200);
    const started = rawBody(init);
    assert.equal(started.verification_required, true);
    assert.deepEqual(rawBody(await send(vault, 'read', 'sys/rekey/verify', anon)), { started: false, nonce: '', t: 2, n: 3, progress: 0 });

    const update = rawBody(await send(vault, 'update', 'sys/rekey/update', { ...anon, body: { key: unsealKey(), nonce: started.nonce } }));
    assert.equal(update.complete, true);
    assert.equal(update.verification_required, true);
    assert.equal(update.keys.length, 3);
    assert.equal(update.keys_base64.length, 3);
    let nonce: string = update.verification_nonce;
    assert.equal(rawBody(await send(vault, 'read', 'sys/rekey/init', anon)).verification_nonce, nonce);

    // The old key is the wrong length for the new split; a forged share rebuilds the wrong key.
    const wrongLength = await send(vault, 'update', 'sys/rekey/verify', { ...anon, body: { key: unsealKey(), nonce } });
    assert.equal(wrongLength.status, 400);
    const forged = Buffer.from(update.keys[0], 'hex');
    forged[0] = forged[0]! ^ 0xff;
    assert.equal((await send(vault, 'update', 'sys/rekey/verify', { ...anon, body: { key: update.keys[1], nonce } })).status, 200);
    const wrong = await send(vault, 'update', 'sys/rekey/verify', { ...anon, body: { key: forged.toString('hex'), nonce } });
    assert.equal(wrong.status, 400);
    assert.deepEqual(body(wrong).errors, ['rekey verification failed; incorrect key shares supplied']);
    const afterWrong = rawBody(await send(vault, 'read', 'sys/rekey/verify', anon));
    assert.notEqual(afterWrong.nonce, nonce);
    assert.equal(afterWrong.progress, 0);

    const restarted = rawBody(await send(vault, 'delete', 'sys/rekey/verify', anon));
    assert.equal(restarted.started, true);
    assert.notEqual(restarted.nonce, afterWrong.nonce);
    nonce = restarted.nonce;

    const progress = rawBody(await send(vault, 'update', 'sys/rekey/verify', { ...anon, body: { key: update.keys_base64[2], nonce } }));
    assert.deepEqual(progress, { started: true, nonce, t: 2, n: 3, progress: 1 });
    const done = await send(vault, 'update', 'sys/rekey/verify', { ...anon, body: { key: update.keys[0], nonce } });
    assert.equal(done.status, 200);
    assert.deepEqual(rawBody(done), { nonce, complete: true });

    assert.equal((await send(vault, 'update', 'sys/seal')).status, 204);
    const old = await send(vault, 'update', 'sys/unseal', { ...anon, body: { key: unsealKey() } });
    assert.equal(old.status, 400);
    await send(vault, 'update', 'sys/unseal', { ...anon, body: { key: update.keys[1] } });
    const unsealed = rawBody(await send(vault, 'update', 'sys/unseal', { ...anon, body: { key: update.keys[2] } }));
    assert.equal(unsealed.sealed, false);
    assert.equal(unsealed.t, 2);
    assert.equal(unsealed.n, 3);
  });
});
