import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fields } from '../../framework/fields.js';
import { b64, FakeClock, mountTransit, obj, rejectsVault, str } from './test-harness.js';

describe('transit keys', () => {
  it('creates an aes256-gcm96 key by default and reads it in Vault’s shape', async () => {
    const t = await mountTransit();
    const created = await t.call('update', 'keys/app', {});
    assert.deepEqual(created.authz, { action: 'configure', resource: 'transit/app' });
    const read = await t.call('read', 'keys/app');
    assert.deepEqual(read.authz, { action: 'read', resource: 'transit/app' });
    assert.deepEqual(read.response?.data, {
      name: 'app',
      type: 'aes256-gcm96',
      derived: false,
      deletion_allowed: false,
      exportable: false,
      allow_plaintext_backup: false,
      latest_version: 1,
      min_available_version: 0,
      min_decryption_version: 1,
      min_encryption_version: 0,
      supports_encryption: true,
      supports_decryption: true,
      supports_derivation: true,
      supports_signing: false,
      auto_rotate_period: 0,
      imported_key: false,
      keys: { '1': new FakeClock().ms / 1000 },
    });
    const again = await t.send('update', 'keys/app', { type: 'ed25519' });
    assert.match(again?.warnings?.[0] ?? '', /already existed/);
    assert.equal(again?.data?.['type'], 'aes256-gcm96');
  });

  it('shows public keys for asymmetric types', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/ed', { type: 'ed25519' });
    await t.send('update', 'keys/ec', { type: 'ecdsa-p256' });
    const ed = obj(obj((await t.send('read', 'keys/ed'))?.data?.['keys'])['1']);
    assert.equal(ed['name'], 'ed25519');
    assert.equal(Buffer.from(str(ed, 'public_key'), 'base64').length, 32);
    assert.equal(str(ed, 'creation_time'), new Date(new FakeClock().ms).toISOString());
    const ec = (await t.send('read', 'keys/ec'))?.data;
    assert.equal(ec?.['supports_signing'], true);
    assert.equal(ec?.['supports_encryption'], false);
    assert.match(str(obj(obj(ec?.['keys'])['1']), 'public_key'), /^-----BEGIN PUBLIC KEY-----/);
  });

  it('lists keys, and answers 404 for an empty list and a missing key', async () => {
    const t = await mountTransit();
    await rejectsVault(t.send('list', 'keys'), 404);
    await rejectsVault(t.send('read', 'keys/none'), 404);
    await t.send('update', 'keys/a', {});
    await t.send('update', 'keys/b', { type: 'hmac' });
    const list = await t.call('list', 'keys');
    assert.deepEqual(list.authz, { action: 'list', resource: 'transit' });
    assert.deepEqual(list.response?.data, { keys: ['a', 'b'] });
  });

  it('deletes only when deletion_allowed', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/k', {});
    const del = t.call('delete', 'keys/k');
    await rejectsVault(del, 400, /deletion is not allowed/);
    assert.equal((await t.send('read', 'keys/k'))?.data?.['name'], 'k');
    const config = await t.call('update', 'keys/k/config', { deletion_allowed: true });
    assert.deepEqual(config.authz, { action: 'configure', resource: 'transit/k' });
    const deleted = await t.call('delete', 'keys/k');
    assert.deepEqual(deleted.authz, { action: 'delete', resource: 'transit/k' });
    await rejectsVault(t.send('read', 'keys/k'), 404);
    await rejectsVault(t.send('delete', 'keys/k'), 400, /not found/);
  });

  it('rejects unknown types, bad options and short rotation periods', async () => {
    const t = await mountTransit();
    await rejectsVault(t.send('update', 'keys/x', { type: 'des' }), 400, /unknown key type `des`/);
    await rejectsVault(t.send('update', 'keys/x', { type: 'ecdsa-p256', derived: true }), 400, /derivation/);
    await rejectsVault(t.send('update', 'keys/x', { auto_rotate_period: '30m' }), 400, /at least an hour/);
    await rejectsVault(t.send('update', 'keys/x', { convergent_encryption: true }), 400, /convergent/);
    await rejectsVault(t.send('update', 'keys/x', { exportable: 'maybe' }), 400, /exportable/);
    await rejectsVault(t.send('read', 'keys/x'), 404);
    const ok = await t.send('update', 'keys/x', { auto_rotate_period: '1h' });
    assert.equal(ok?.data?.['auto_rotate_period'], 3600);
  });

  it('validates the version window in config, rotates and trims', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/k', {});
    const rotated = await t.call('update', 'keys/k/rotate');
    assert.deepEqual(rotated.authz, { action: 'rotate', resource: 'transit/k' });
    await t.send('update', 'keys/k/rotate');
    assert.equal((await t.send('read', 'keys/k'))?.data?.['latest_version'], 3);
    await rejectsVault(t.send('update', 'keys/k/config', { min_decryption_version: 4 }), 400, /latest key version is 3/);
    await rejectsVault(t.send('update', 'keys/k/config', { min_encryption_version: 4 }), 400, /latest key version is 3/);
    await rejectsVault(t.send('update', 'keys/k/config', { min_decryption_version: 3, min_encryption_version: 2 }), 400, /greater than or equal/);
    await rejectsVault(t.send('update', 'keys/k/config', { min_decryption_version: -1 }), 400, /negative/);
    await rejectsVault(t.send('update', 'keys/k/trim', { min_available_version: 2 }), 400, /minimum encryption version is not set/);
    const zero = await t.send('update', 'keys/k/config', { min_decryption_version: 0 });
    assert.equal(zero?.data?.['min_decryption_version'], 1);
    assert.ok(zero?.warnings?.length);

    const ct1 = str((await t.send('update', 'encrypt/k', { plaintext: b64('old'), key_version: 1 }))?.data, 'ciphertext');
    await t.send('update', 'keys/k/config', { min_decryption_version: 2, min_encryption_version: 3 });
    await rejectsVault(t.send('update', 'keys/k/trim', { min_available_version: 3 }), 400, /greater than minimum decryption/);
    const trimmed = await t.call('update', 'keys/k/trim', { min_available_version: 2 });
    assert.deepEqual(trimmed.authz, { action: 'configure', resource: 'transit/k' });
    assert.deepEqual(Object.keys(obj(trimmed.response?.data?.['keys'])), ['2', '3']);
    assert.equal(trimmed.response?.data?.['min_available_version'], 2);
    await rejectsVault(t.send('update', 'keys/k/trim', { min_available_version: 1 }), 400, /decremented/);
    await rejectsVault(t.send('update', 'keys/k/config', { min_decryption_version: 1 }), 400, /min available version/);
    await t.send('update', 'keys/k/config', { min_decryption_version: 2 });
    await rejectsVault(t.send('update', 'decrypt/k', { ciphertext: ct1 }), 400, /disallowed/);
    await rejectsVault(t.send('update', 'keys/none/rotate'), 404);
  });

  it('makes exportable and allow_plaintext_backup one-way switches', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/k', {});
    const res = await t.send('update', 'keys/k/config', { exportable: true, allow_plaintext_backup: true, auto_rotate_period: '2h' });
    assert.equal(res?.data?.['exportable'], true);
    assert.equal(res?.data?.['auto_rotate_period'], 7200);
    await rejectsVault(t.send('update', 'keys/k/config', { exportable: false }), 400, /cannot be disabled/);
    await rejectsVault(t.send('update', 'keys/k/config', { allow_plaintext_backup: false }), 400, /cannot be disabled/);
    await rejectsVault(t.send('update', 'keys/k/config', { auto_rotate_period: 60 }), 400, /at least an hour/);
  });

  it('stores each key under its name only, never its material in the storage key', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/visible-name', { exportable: true });
    const material = str(obj((await t.send('read', 'export/encryption-key/visible-name/1'))?.data?.['keys']), '1');
    const storageKeys = [...t.store.entries.keys()];
    assert.ok(storageKeys.some((k) => k.endsWith('policy/visible-name')));
    assert.ok(storageKeys.every((k) => !k.includes(material)));
  });

  it('declares help, summaries and field descriptions on every path', async () => {
    const t = await mountTransit();
    for (const spec of t.engine.paths) {
      assert.ok(spec.help.synopsis.length > 0);
      assert.ok((spec.help.description ?? '').length > 0);
      const fields: Fields = spec.fields;
      for (const [name, field] of Object.entries(fields)) assert.ok(field.description.length > 0, name);
      for (const op of Object.values(spec.operations)) assert.ok(op !== undefined && op.summary.length > 0);
    }
  });
});
