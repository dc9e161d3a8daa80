import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { b64, mountTransit, obj, rejectsVault, str } from './test-harness.js';

describe('transit export', () => {
  it('exports private material only from exportable keys, public keys always', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/secret', {});
    await t.send('update', 'keys/ec', { type: 'ecdsa-p256' });
    await rejectsVault(t.send('read', 'export/encryption-key/secret'), 400, /not exportable/);
    await rejectsVault(t.send('read', 'export/hmac-key/secret'), 400, /not exportable/);
    await rejectsVault(t.send('read', 'export/signing-key/ec'), 400, /not exportable/);
    const pub = await t.call('read', 'export/public-key/ec');
    assert.deepEqual(pub.authz, { action: 'read', resource: 'transit/ec' });
    assert.match(str(obj(pub.response?.data?.['keys']), '1'), /BEGIN PUBLIC KEY/);
    await rejectsVault(t.send('read', 'export/public-key/secret'), 400, /public key not available/);
    await rejectsVault(t.send('read', 'export/everything/ec'), 400, /invalid export type/);
    await rejectsVault(t.send('read', 'export/public-key/none'), 404);
  });

  it('exports versions in Vault’s formats and honours version selection', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/k', { exportable: true });
    await t.send('update', 'keys/k/rotate');
    const all = obj((await t.send('read', 'export/encryption-key/k'))?.data?.['keys']);
    assert.deepEqual(Object.keys(all).sort(), ['1', '2']);
    assert.equal(Buffer.from(str(all, '1'), 'base64').length, 32);
    const latest = obj((await t.send('read', 'export/encryption-key/k/latest'))?.data?.['keys']);
    assert.deepEqual(latest, { '2': all['2'] });
    await rejectsVault(t.send('read', 'export/encryption-key/k/7'), 400, /does not exist/);
    await rejectsVault(t.send('read', 'export/encryption-key/k/abc'), 400, /invalid key version/);
    await rejectsVault(t.send('read', 'export/signing-key/k'), 400, /signing not supported/);
    await t.send('update', 'keys/k/config', { min_decryption_version: 2 });
    await rejectsVault(t.send('read', 'export/encryption-key/k/1'), 400, /below minimum decryption/);

    await t.send('update', 'keys/ed', { type: 'ed25519', exportable: true });
    const ed = Buffer.from(str(obj((await t.send('read', 'export/signing-key/ed/1'))?.data?.['keys']), '1'), 'base64');
    assert.equal(ed.length, 64, 'Go’s ed25519 private key: seed || public key');
    const pub = str(obj((await t.send('read', 'export/public-key/ed/1'))?.data?.['keys']), '1');
    assert.equal(ed.subarray(32).toString('base64'), pub);

    await t.send('update', 'keys/rsa', { type: 'rsa-2048', exportable: true });
    const rsaPem = str(obj((await t.send('read', 'export/signing-key/rsa/1'))?.data?.['keys']), '1');
    assert.match(rsaPem, /BEGIN RSA PRIVATE KEY/);
    assert.equal(createPrivateKey(rsaPem).asymmetricKeyDetails?.modulusLength, 2048);
  });
});

describe('transit backup and restore', () => {
  it('needs exportable and allow_plaintext_backup', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/k', {});
    await rejectsVault(t.send('read', 'backup/k'), 400, /exporting is disallowed/);
    await t.send('update', 'keys/k/config', { exportable: true });
    await rejectsVault(t.send('read', 'backup/k'), 400, /plaintext backup is disallowed/);
    await rejectsVault(t.send('read', 'backup/none'), 404);
  });

  it('round-trips every version, refuses an existing name unless force', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/k', { exportable: true, allow_plaintext_backup: true });
    const v1 = str((await t.send('update', 'encrypt/k', { plaintext: b64('one') }))?.data, 'ciphertext');
    await t.send('update', 'keys/k/rotate');
    const v2 = str((await t.send('update', 'encrypt/k', { plaintext: b64('two') }))?.data, 'ciphertext');
    const backupCall = await t.call('read', 'backup/k');
    assert.deepEqual(backupCall.authz, { action: 'read', resource: 'transit/k' });
    const backup = str(backupCall.response?.data, 'backup');

    await rejectsVault(t.send('update', 'restore', { backup }), 400, /already exists/);
    const restored = await t.call('update', 'restore/copy', { backup });
    assert.deepEqual(restored.authz, { action: 'configure', resource: 'transit/copy' });
    // Without a name the target is only known from the backup, so Cedar is asked about the mount.
    const forced = await t.call('update', 'restore', { backup, force: true });
    assert.deepEqual(forced.authz, { action: 'configure', resource: 'transit' });
    for (const [ct, text] of [[v1, 'one'], [v2, 'two']] as const) {
      assert.equal(str((await t.send('update', 'decrypt/copy', { ciphertext: ct }))?.data, 'plaintext'), b64(text));
    }
    const info = (await t.send('read', 'keys/copy'))?.data;
    assert.equal(info?.['latest_version'], 2);
    assert.equal(obj(info?.['restore_info'])['version'], 2);
  });

  it('rejects a malformed backup with 400', async () => {
    const t = await mountTransit();
    await rejectsVault(t.send('update', 'restore/x', { backup: 'not base64' }), 400, /backup/);
    await rejectsVault(t.send('update', 'restore/x', { backup: b64('{"format":1}') }), 400, /invalid backup/);
    await rejectsVault(t.send('update', 'restore/x', { backup: b64('[]') }), 400, /invalid backup/);
    await rejectsVault(t.send('update', 'restore/x', {}), 400, /backup/);
    await rejectsVault(t.send('read', 'keys/x'), 404);
  });
});
