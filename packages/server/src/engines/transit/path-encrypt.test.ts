import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { describe, it } from 'node:test';
import { b64, batchResults, mountTransit, rejectsVault, str } from './test-harness.js';

describe('transit encrypt/decrypt', () => {
  it('round-trips across rotation and refuses versions below min_decryption_version', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/app', {});
    const enc = await t.call('update', 'encrypt/app', { plaintext: b64('hello v1') });
    assert.deepEqual(enc.authz, { action: 'encrypt', resource: 'transit/app' });
    const v1 = str(enc.response?.data, 'ciphertext');
    assert.match(v1, /^vault:v1:[A-Za-z0-9+/]+=*$/);
    assert.equal(enc.response?.data?.['key_version'], 1);
    await t.send('update', 'keys/app/rotate');
    const v2 = str((await t.send('update', 'encrypt/app', { plaintext: b64('hello v2') }))?.data, 'ciphertext');
    assert.match(v2, /^vault:v2:/);
    const dec = await t.call('update', 'decrypt/app', { ciphertext: v1 });
    assert.deepEqual(dec.authz, { action: 'decrypt', resource: 'transit/app' });
    assert.equal(str(dec.response?.data, 'plaintext'), b64('hello v1'));
    assert.equal(str((await t.send('update', 'decrypt/app', { ciphertext: v2 }))?.data, 'plaintext'), b64('hello v2'));

    // Rewrap moves v1 data to v2 without showing the plaintext.
    const rewrapped = await t.call('update', 'rewrap/app', { ciphertext: v1 });
    assert.equal(rewrapped.authz?.action, 'encrypt');
    const v1to2 = str(rewrapped.response?.data, 'ciphertext');
    assert.match(v1to2, /^vault:v2:/);

    await t.send('update', 'keys/app/config', { min_decryption_version: 2 });
    await rejectsVault(t.send('update', 'decrypt/app', { ciphertext: v1 }), 400, /disallowed by policy/);
    assert.equal(str((await t.send('update', 'decrypt/app', { ciphertext: v1to2 }))?.data, 'plaintext'), b64('hello v1'));
    // key_version below min_encryption_version is refused for encryption.
    await t.send('update', 'keys/app/config', { min_encryption_version: 2 });
    await rejectsVault(t.send('update', 'encrypt/app', { plaintext: b64('x'), key_version: 1 }), 400, /minimum encryption/);
    await rejectsVault(t.send('update', 'encrypt/app', { plaintext: b64('x'), key_version: 9 }), 400, /higher than the latest/);
  });

  it('uses Vault’s byte layout: base64(nonce(12) || ciphertext || tag(16)) under the exported key', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/app', { exportable: true });
    const ct = str((await t.send('update', 'encrypt/app', { plaintext: b64('layout') }))?.data, 'ciphertext');
    const blob = Buffer.from(ct.split(':')[2]!, 'base64');
    assert.equal(blob.length, 12 + 'layout'.length + 16);
    const keys = (await t.send('read', 'export/encryption-key/app/1'))?.data?.['keys'];
    const key = Buffer.from(str(keys && typeof keys === 'object' ? Object.fromEntries(Object.entries(keys)) : {}, '1'), 'base64');
    assert.equal(key.length, 32);
    const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
    d.setAuthTag(blob.subarray(blob.length - 16));
    assert.equal(Buffer.concat([d.update(blob.subarray(12, blob.length - 16)), d.final()]).toString(), 'layout');
  });

  for (const type of ['aes256-gcm96', 'chacha20-poly1305', 'aes128-gcm96']) {
    it(`refuses every single flipped bit of a ${type} ciphertext`, async () => {
      const t = await mountTransit();
      await t.send('update', 'keys/k', { type });
      const ct = str((await t.send('update', 'encrypt/k', { plaintext: b64('short') }))?.data, 'ciphertext');
      const blob = Buffer.from(ct.slice('vault:v1:'.length), 'base64');
      let refused = 0;
      for (let i = 0; i < blob.length * 8; i++) {
        const flipped = Buffer.from(blob);
        flipped[i >> 3]! ^= 1 << (i & 7);
        await rejectsVault(t.send('update', 'decrypt/k', { ciphertext: `vault:v1:${flipped.toString('base64')}` }), 400, /message authentication failed/);
        refused++;
      }
      assert.equal(refused, (12 + 5 + 16) * 8);
      assert.equal(str((await t.send('update', 'decrypt/k', { ciphertext: ct }))?.data, 'plaintext'), b64('short'));
    });
  }

  it('derived keys need a context, and a wrong context fails', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/d', { derived: true });
    const info = (await t.send('read', 'keys/d'))?.data;
    assert.equal(info?.['derived'], true);
    assert.equal(info?.['kdf'], 'hkdf_sha256');
    await rejectsVault(t.send('update', 'encrypt/d', { plaintext: b64('x') }), 400, /missing 'context'/);
    const ct = str((await t.send('update', 'encrypt/d', { plaintext: b64('tenant data'), context: b64('tenant-1') }))?.data, 'ciphertext');
    await rejectsVault(t.send('update', 'decrypt/d', { ciphertext: ct }), 400, /missing 'context'/);
    await rejectsVault(t.send('update', 'decrypt/d', { ciphertext: ct, context: b64('tenant-2') }), 400, /authentication failed/);
    const ok = await t.send('update', 'decrypt/d', { ciphertext: ct, context: b64('tenant-1') });
    assert.equal(str(ok?.data, 'plaintext'), b64('tenant data'));
    await rejectsVault(t.send('update', 'encrypt/d', { plaintext: b64('x'), context: 'not base64!' }), 400, /context/);
  });

  it('encrypts and decrypts a batch of 1,000 items', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/bulk', {});
    const items = Array.from({ length: 1000 }, (_, i) => ({ plaintext: b64(`item ${i}`), reference: `r${i}` }));
    const enc = await t.send('update', 'encrypt/bulk', { batch_input: items });
    assert.equal(enc?.status, undefined);
    const cts = batchResults(enc?.data);
    assert.equal(cts.length, 1000);
    assert.equal(cts[999]?.['reference'], 'r999');
    const dec = await t.send('update', 'decrypt/bulk', { batch_input: cts.map((r) => ({ ciphertext: r['ciphertext'] })) });
    const plain = batchResults(dec?.data);
    assert.equal(plain.length, 1000);
    plain.forEach((r, i) => assert.equal(r['plaintext'], b64(`item ${i}`)));
  });

  it('answers per-item errors for a batch with one bad item', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/b', {});
    const batch = [{ plaintext: b64('a') }, { plaintext: '%%%not base64' }, { plaintext: b64('c') }, {}];
    const res = await t.send('update', 'encrypt/b', { batch_input: batch });
    assert.equal(res?.status, 400);
    const results = batchResults(res?.data);
    assert.match(str(results[0], 'ciphertext'), /^vault:v1:/);
    assert.match(str(results[1], 'error'), /base64/);
    assert.equal(results[1]?.['ciphertext'], undefined);
    assert.match(str(results[3], 'error'), /plaintext/);
    assert.match(str(results[2], 'ciphertext'), /^vault:v1:/);
    const partial = await t.send('update', 'encrypt/b', { batch_input: batch, partial_failure_response_code: 207 });
    assert.equal(partial?.status, 207);
    // All failing: still 400 even with the override.
    const allBad = await t.send('update', 'decrypt/b', { batch_input: [{ ciphertext: 'nope' }], partial_failure_response_code: 207 });
    assert.equal(allBad?.status, 400);
    assert.match(str(batchResults(allBad?.data)[0], 'error'), /no prefix/);
    await rejectsVault(t.send('update', 'encrypt/b', { batch_input: [] }), 400, /missing batch input/);
    await rejectsVault(t.send('update', 'encrypt/b', { batch_input: 'x' }), 400, /batch_input/);
  });

  it('creates a missing key on encrypt (upsert), which needs configure, unless upsert is disabled', async () => {
    const t = await mountTransit();
    const res = await t.call('update', 'encrypt/new', { plaintext: b64('x') });
    assert.equal(res.operation, 'create');
    assert.deepEqual(res.authz, { action: 'configure', resource: 'transit/new' });
    assert.equal((await t.send('read', 'keys/new'))?.data?.['type'], 'aes256-gcm96');
    await t.send('update', 'config/keys', { disable_upsert: true });
    await rejectsVault(t.send('update', 'encrypt/other', { plaintext: b64('x') }), 400, /encryption key not found/);
    await rejectsVault(t.send('update', 'decrypt/missing', { ciphertext: 'vault:v1:AAAA' }), 400, /not found/);
  });

  it('rejects bad input with 400', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/k', {});
    await rejectsVault(t.send('update', 'encrypt/k', {}), 400, /missing plaintext/);
    await rejectsVault(t.send('update', 'encrypt/k', { plaintext: 'abc' }), 400, /base64/);
    await rejectsVault(t.send('update', 'decrypt/k', { ciphertext: 'v1:abc' }), 400, /no prefix/);
    await rejectsVault(t.send('update', 'decrypt/k', { ciphertext: 'vault:vX:abc' }), 400, /version number/);
    await rejectsVault(t.send('update', 'decrypt/k', { ciphertext: 'vault:v1:AAAA' }), 400, /length/);
    await rejectsVault(t.send('update', 'decrypt/k', { ciphertext: 'vault:v7:AAAA' }), 400, /higher than the latest/);
    await t.send('update', 'keys/s', { type: 'ed25519' });
    await rejectsVault(t.send('update', 'encrypt/s', { plaintext: b64('x') }), 400, /does not support encryption/);
  });

  it('encrypts with rsa keys (OAEP)', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/r', { type: 'rsa-2048' });
    const ct = str((await t.send('update', 'encrypt/r', { plaintext: b64('rsa secret') }))?.data, 'ciphertext');
    assert.equal(Buffer.from(ct.slice(9), 'base64').length, 256);
    assert.equal(str((await t.send('update', 'decrypt/r', { ciphertext: ct }))?.data, 'plaintext'), b64('rsa secret'));
  });
});

describe('transit datakey', () => {
  it('wrapped data keys decrypt to the key that plaintext mode shows', async () => {
    const t = await mountTransit();
    await t.send('update', 'keys/env', {});
    const plain = await t.call('update', 'datakey/plaintext/env', { bits: 512 });
    assert.deepEqual(plain.authz, { action: 'encrypt', resource: 'transit/env' });
    const key = str(plain.response?.data, 'plaintext');
    assert.equal(Buffer.from(key, 'base64').length, 64);
    const back = await t.send('update', 'decrypt/env', { ciphertext: str(plain.response?.data, 'ciphertext') });
    assert.equal(str(back?.data, 'plaintext'), key);

    const wrapped = await t.send('update', 'datakey/wrapped/env', {});
    assert.equal(wrapped?.data?.['plaintext'], undefined);
    const unwrapped = await t.send('update', 'decrypt/env', { ciphertext: str(wrapped?.data, 'ciphertext') });
    assert.equal(Buffer.from(str(unwrapped?.data, 'plaintext'), 'base64').length, 32);
    await rejectsVault(t.send('update', 'datakey/wrapped/env', { bits: 100 }), 400, /bits/);
    await rejectsVault(t.send('update', 'datakey/both/env', {}), 400, /plaintext_or_wrapped/);
    await rejectsVault(t.send('update', 'datakey/wrapped/none', {}), 400, /not found/);
  });
});
